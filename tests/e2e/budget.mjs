// The bundle budget, checked after every release build: what a visit downloads (every file
// of dist/ as its gzip twin) must stay within 300 KB. The install-only icons under icons/ are
// fetched when someone installs the app, never on a visit, and are reported apart.
//
//   node tests/e2e/budget.mjs [dist]     prints the figures; exits 1 over budget
import fs from 'node:fs';
import path from 'node:path';

const BUDGET = 300_000;
const dist = path.resolve(process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'dist'));

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dist).filter((f) => !f.endsWith('.gz'));
let shell = 0;
let icons = 0;
const missing = [];
for (const f of files) {
  const gz = `${f}.gz`;
  if (!fs.existsSync(gz)) missing.push(path.relative(dist, f));
  const size = fs.statSync(fs.existsSync(gz) ? gz : f).size;
  if (path.relative(dist, f).startsWith(`icons${path.sep}`)) icons += size;
  else shell += size;
}
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(`bundle: ${kb(shell)} gzip as a visit downloads it (budget ${kb(BUDGET)}); install-only icons ${kb(icons)}`);
if (missing.length) console.log(`bundle: no gzip twin for ${missing.join(', ')} (counted as is): not a release build?`);
if (shell > BUDGET) {
  console.error(`bundle: over budget by ${kb(shell - BUDGET)}`);
  process.exit(1);
}
