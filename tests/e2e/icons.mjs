// Renders the installed app's PNG icons (static/icons/) from static/favicon.svg with the Chromium the
// specs use, so the icons look as the browser draws the favicon and no image tool is needed:
//
//   node tests/e2e/icons.mjs
//
// The PNGs are committed; rerun this after changing the favicon. "any" icons are the favicon as
// it is (rounded corners on transparency). Maskable icons fill the whole square with the
// favicon's background and shrink the mark into the middle, because launchers crop them to a
// circle or squircle that keeps only the central 80 % (the safe zone). zopflipng (Debian's zopfli,
// which scripts/setup.sh installs) then shrinks each file without changing a visible pixel.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(REPO, 'static', 'icons');
const favicon = fs.readFileSync(path.join(REPO, 'static', 'favicon.svg'), 'utf8');

/** The favicon for a maskable icon: square corners, the mark scaled about the centre. */
function maskable(svg) {
  const rounded = /<rect ([^>]*?) rx="[^"]*"/;
  const mark = /(<path [^>]*\/>)/;
  if (!rounded.test(svg) || !mark.test(svg)) throw new Error('favicon.svg changed shape: update maskable() in icons.mjs');
  // The mark spans about 85 % of the diagonal; 0.75 of that stays inside the 80 % safe circle.
  return svg.replace(rounded, '<rect $1').replace(mark, '<g transform="translate(16 16) scale(.75) translate(-16 -16)">$1</g>');
}

const ICONS = [
  ['icon-192.png', 192, favicon],
  ['icon-512.png', 512, favicon],
  ['maskable-192.png', 192, maskable(favicon)],
  ['maskable-512.png', 512, maskable(favicon)],
];

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
try {
  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, size, svg] of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(`<body style="margin:0"><img src="${src}" width="${size}" height="${size}" style="display:block">`);
    await page.locator('img').evaluate((img) => img.decode());
    const file = path.join(OUT, name);
    await page.screenshot({ path: file, omitBackground: true });
    await page.close();
    // --lossy_transparent: fully transparent pixels may take any colour.
    execFileSync('zopflipng', ['-y', '--lossy_transparent', file, file], { stdio: 'ignore' });
    console.log(`static/icons/${name}`);
  }
} finally {
  await browser.close();
}
