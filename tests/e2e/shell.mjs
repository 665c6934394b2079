// The service worker of one build: static/sw.js with that build's file list (the app shell) and a
// version made from their contents. release.mjs writes it into every release build; pwa.spec.mjs
// makes a "next deploy" with it.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const SW = 'sw.js';

/**
 * Every file of the built site at `dir` that the service worker keeps: what the page loads. Not
 * itself, not the .gz twins, not the installed app's icons (the system keeps its own copy when it
 * installs the app).
 */
export async function shellFiles(dir) {
  const files = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const rel = name.split(path.sep).join('/');
    if (rel === SW || rel.endsWith('.gz') || rel.startsWith('icons/') || !(await stat(path.join(dir, name))).isFile()) continue;
    files.push(rel);
  }
  return files.sort();
}

/**
 * The source of `dir`'s service worker: `template` (static/sw.js) with its VERSION and SHELL
 * filled in. Throws if the template no longer has the lines this replaces.
 */
export async function serviceWorker(dir, template) {
  const files = await shellFiles(dir);
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(await readFile(path.join(dir, f))).update('\0');
  const version = hash.digest('hex').slice(0, 16);
  const fill = [
    [/^const VERSION = 'dev';$/m, `const VERSION = '${version}';`],
    [/^const SHELL = \[\];$/m, `const SHELL = ${JSON.stringify(files)};`],
  ];
  let code = template;
  for (const [line, filled] of fill) {
    if (!line.test(code)) throw new Error(`sw.js template lacks ${line}: update shell.mjs with it`);
    code = code.replace(line, () => filled);
  }
  return { code, version, files };
}
