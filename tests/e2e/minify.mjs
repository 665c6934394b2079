// Trunk post-build hook: minifies the wasm-bindgen glue in release builds (Trunk minifies the
// CSS and HTML itself, not this file) and updates its integrity hash in index.html, so the
// browser's subresource check still passes. Lives here because terser comes with this
// folder's npm packages, next to the wasm-opt the build already takes from them.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { minify } from 'terser';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('minify.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const htmlPath = path.join(staging, 'index.html');
let html = await readFile(htmlPath, 'utf8');
for (const name of (await readdir(staging)).filter((f) => f.endsWith('.js'))) {
  const file = path.join(staging, name);
  const { code } = await minify(await readFile(file, 'utf8'), { module: true, compress: true, mangle: true });
  await writeFile(file, code);
  const integrity = 'sha384-' + createHash('sha384').update(code).digest('base64');
  // The tag that names this file carries its hash; the attribute may or may not be quoted.
  html = html.replace(new RegExp(`(<link[^>]*${name.replace('.', '\\.')}[^>]*>)`, 'g'), (tag) =>
    tag.replace(/integrity=("?)sha384-[A-Za-z0-9+/=]+\1/, `integrity=$1${integrity}$1`));
}
await writeFile(htmlPath, html);
