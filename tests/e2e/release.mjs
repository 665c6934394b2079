// Trunk post-build hook. Every build (debug, release, `trunk serve`): adds the hashes of the
// page's inline scripts to its Content-Security-Policy (csp.mjs). Release builds also:
// - give the wasm's imports and exports short names in it and its glue (names.mjs), minify the
//   wasm-bindgen glue and the JS snippets it imports (Trunk minifies the CSS and HTML itself,
//   not these), and update the files' integrity hashes in index.html, so the browser's
//   subresource check still passes;
// - write a gzip copy next to every file (`x.wasm` -> `x.wasm.gz`) with Zopfli, which makes
//   standard gzip smaller than zlib's best level (BENCHMARKS.md). Hosts that serve precompressed files
//   (nginx `gzip_static on`, Caddy `precompressed gzip`) send these; others compress on the fly.
// - fills the service worker (sw.js) with this build's file list and version (shell.mjs), after
//   the other files have their final bytes, so each deploy gets a new sw.js and offers a reload.
// Lives here because terser comes with this folder's npm packages, next to the wasm-opt the
// build already takes from them. Zopfli is Debian's `zopfli` (scripts/setup.sh installs it).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { minify } from 'terser';
import { withScriptHashes } from './csp.mjs';
import { shortenNames } from './names.mjs';
import { SW, serviceWorker } from './shell.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('release.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
const release = process.env.TRUNK_PROFILE === 'release';

const htmlPath = path.join(staging, 'index.html');
let html = await readFile(htmlPath, 'utf8');
if (!release) {
  await writeFile(htmlPath, withScriptHashes(html));
  process.exit(0);
}
// The tag that names a file carries its hash; the attribute may or may not be quoted.
const escapeRe = (s) => s.replace(/[.*+?^$()|[\]\\/{}]/g, '\\$&');
const setIntegrity = (name, bytes) => {
  const integrity = 'sha384-' + createHash('sha384').update(bytes).digest('base64');
  html = html.replace(new RegExp(`(<link[^>]*${escapeRe(name)}[^>]*>)`, 'g'), (tag) =>
    tag.replace(/integrity=("?)sha384-[A-Za-z0-9+/=]+\1/, `integrity=$1${integrity}$1`));
};
const files = await readdir(staging);
// sw.js last: its version is a hash of every other file as served.
for (const name of files.filter((f) => f.endsWith('.js') && f !== SW)) {
  const file = path.join(staging, name);
  let js = await readFile(file, 'utf8');
  // The wasm-bindgen glue and its wasm: short names for what they call each other by.
  const wasmName = name.replace(/\.js$/, '_bg.wasm');
  if (files.includes(wasmName)) {
    const short = shortenNames(await readFile(path.join(staging, wasmName)), js);
    await writeFile(path.join(staging, wasmName), short.wasm);
    setIntegrity(wasmName, short.wasm);
    js = short.js;
  }
  const { code } = await minify(js, { module: true, compress: true, mangle: true });
  await writeFile(file, code);
  setIntegrity(name, code);
}
// The inline JS modules of `#[wasm_bindgen(inline_js)]` (IndexedDB, WebCrypto), as written in
// the Rust source: minified too.
for (const name of await readdir(staging, { recursive: true })) {
  if (!name.startsWith(`snippets${path.sep}`) || !name.endsWith('.js')) continue;
  const file = path.join(staging, name);
  const { code } = await minify(await readFile(file, 'utf8'), { module: true, compress: true, mangle: true });
  await writeFile(file, code);
  setIntegrity(name.split(path.sep).join('/'), code);
}
// Last change to the page, so the hashes are of the scripts as served (the .gz twins follow).
await writeFile(htmlPath, withScriptHashes(html));

// The benchmark pages (bench/*.html) are built without the app's service worker.
const swPath = path.join(staging, SW);
if (files.includes(SW)) {
  const sw = await serviceWorker(staging, await readFile(swPath, 'utf8'));
  await writeFile(swPath, (await minify(sw.code, { compress: true, mangle: true })).code);
}

let zopfli = true;
for (const name of await readdir(staging, { recursive: true })) {
  const file = path.join(staging, name);
  if (name.endsWith('.gz') || !(await stat(file)).isFile()) continue;
  await writeFile(`${file}.gz`, compress(file));
}
if (!zopfli) console.warn('release.mjs: zopfli is not installed; wrote the .gz files with zlib level 9');

function compress(file) {
  if (zopfli) {
    try {
      return execFileSync('zopfli', ['--i100', '-c', file], { maxBuffer: 1 << 28 });
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
      zopfli = false;
    }
  }
  return zlib.gzipSync(readFileSync(file), { level: 9 });
}
