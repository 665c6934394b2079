// Browser specs for the installable app: the web app manifest and its icons, the service worker
// (the app shell cached and nothing else, controlling after a reload, an offline reload that
// shows the app, a new deploy's reload offer, under a path prefix too) and every screen on
// phones, the Monitor and the Panel filled with devices (touch-sized controls, no sideways
// scrolling, the connection status always in view).
//
// Same setup as the other specs: the built app (dist/) served by serve.mjs on 127.0.0.1 (a secure
// context, so service workers run) in headless Chromium against a private mosquitto; the Panel
// gets its devices from the simulated home (DECK_SIM, as in panel.spec.mjs). Every test has a
// fresh browser context, so each starts with no service worker and no caches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from './chromium.mjs';
import * as h from './harness.mjs';
import { serve } from './serve.mjs';
import { SW, serviceWorker, shellFiles } from './shell.mjs';

const T = 15_000;
const TEST_TIMEOUT = 90_000;
const SIM = path.resolve(h.REPO, process.env.DECK_SIM || path.join('target', 'debug', 'mqtt-deck-sim'));
const RESULTS = path.join(h.REPO, 'tests', 'e2e', 'test-results');
const CONNECTED = /^Connected\b/;

let env;
let sim;

before(async () => {
  env = await h.setup();
});

after(async () => {
  try {
    if (sim && sim.exitCode === null) sim.kill('SIGTERM');
  } finally {
    await h.teardown(env?.browser);
  }
});
process.on('exit', () => sim?.exitCode === null && sim.kill('SIGKILL'));

/** A page in a fresh context (no service worker, no caches) with its errors collected. */
async function freshPage(t, options = {}) {
  const context = await env.browser.newContext(options);
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console.error: ${m.text()}`);
  });
  return page;
}

/** Opens `url`, waits for the service worker to be installed and active, and reloads under it. */
async function openControlled(page, url) {
  await page.goto(url);
  const script = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active.scriptURL));
  assert.equal(new URL(script).pathname.split('/').pop(), SW);
  const response = await page.reload();
  assert.ok(response.fromServiceWorker(), 'the reloaded page came from the service worker');
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the service worker controls the page');
}

/** Every cached request's URL, in every cache of the page's origin. */
const cachedUrls = (page) =>
  page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
    return urls.sort();
  });

// ------------------------------------------------------------------ install criteria

test('Chromium finds nothing missing for installing the app', { timeout: TEST_TIMEOUT }, async (t) => {
  // A profile on disk: Chromium never offers to install from an off-the-record context, which is
  // what browser.newContext() makes.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: h.CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  t.after(async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });
  await h.watchCsp(context);
  const page = await context.newPage();
  await page.goto(`${env.baseUrl}/index.html`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
});

test('the manifest has what installing needs, and its icons are the sizes it says', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await freshPage(t);
  await page.goto(`${env.baseUrl}/index.html`);
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  // Relative, like every URL in it, so the app works under any path prefix.
  assert.doesNotMatch(href, /^(\/|[a-z]+:)/);
  const manifestUrl = new URL(href, page.url()).href;
  const res = await page.request.get(manifestUrl);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^application\/manifest\+json/);
  const m = await res.json();
  assert.equal(m.name, 'MQTT Deck');
  assert.ok(m.short_name && m.short_name.length <= 12, `short name "${m.short_name}" fits under an icon`);
  assert.equal(m.display, 'standalone');
  assert.equal(m.start_url, './');
  assert.equal(m.scope, './');
  const colour = /^#[0-9a-f]{6}$/;
  for (const c of [m.theme_color, m.background_color, m.user_preferences.color_scheme.dark.theme_color,
    m.user_preferences.color_scheme.dark.background_color]) assert.match(c, colour);
  // The page's own theme colours, one per colour scheme.
  const metas = await page.locator('meta[name=theme-color]').evaluateAll((els) => els.map((e) => [e.media, e.content]));
  assert.deepEqual(metas.map(([media]) => media).sort(), ['(prefers-color-scheme: dark)', '(prefers-color-scheme: light)']);

  // Chromium's own reading of it: parsed without errors or warnings.
  const cdp = await page.context().newCDPSession(page);
  const parsed = await cdp.send('Page.getAppManifest');
  assert.equal(parsed.url, manifestUrl);
  assert.deepEqual(parsed.errors, []);

  const pngs = m.icons.filter((i) => i.type === 'image/png').map((i) => `${i.purpose ?? 'any'} ${i.sizes}`).sort();
  assert.deepEqual(pngs, ['any 192x192', 'any 512x512', 'maskable 192x192', 'maskable 512x512']);
  for (const icon of m.icons.filter((i) => i.type === 'image/png')) {
    const src = new URL(icon.src, manifestUrl).href;
    const img = await page.evaluate(async ({ src, maskable }) => {
      const im = new Image();
      im.src = src;
      await im.decode();
      const [w, h] = [im.naturalWidth, im.naturalHeight];
      const canvas = new OffscreenCanvas(w, h);
      const g = canvas.getContext('2d');
      g.drawImage(im, 0, 0);
      const px = g.getImageData(0, 0, w, h).data;
      // A maskable icon fills the square, and its mark stays inside the safe zone: the circle of
      // 40 % of the size around the centre that every launcher's mask keeps.
      let transparent = 0;
      let markOutside = 0;
      const bg = px.slice(0, 4);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 4;
          if (px[i + 3] < 255) transparent++;
          const outside = Math.hypot(x + 0.5 - w / 2, y + 0.5 - h / 2) > 0.4 * w;
          if (maskable && outside && [0, 1, 2].some((c) => Math.abs(px[i + c] - bg[c]) > 8)) markOutside++;
        }
      }
      return { size: `${w}x${h}`, transparent, markOutside };
    }, { src, maskable: icon.purpose === 'maskable' });
    assert.equal(img.size, icon.sizes, `${icon.src} is ${img.size}`);
    if (icon.purpose === 'maskable') {
      assert.equal(img.transparent, 0, `${icon.src} has transparent pixels`);
      assert.equal(img.markOutside, 0, `${icon.src} draws outside the safe zone`);
    }
  }
  assert.deepEqual(page.errors, []);
});

// ------------------------------------------------------------------ the service worker

test('the service worker keeps exactly the app shell, controls the page and leaves the broker alone', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await freshPage(t);
  const url = h.appUrl({ client_id: h.uid('deck-pwa-'), sub: 'deck-pwa/#', connect: 1 });
  await openControlled(page, url);
  await page.getByRole('status').filter({ hasText: CONNECTED }).waitFor();

  // The broker's traffic still flows with the worker in charge.
  const topic = `deck-pwa/${h.uid()}`;
  await h.mosquittoPub(['-t', topic, '-m', 'through the worker', '-q', '1']);
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await page.getByText('through the worker').first().waitFor();

  // What it keeps: this build's files, each once, by its plain address; no query strings, no broker.
  const shell = (await shellFiles(h.DIST)).map((f) => `${env.baseUrl}/${f}`);
  assert.ok(shell.some((u) => u.endsWith('.wasm')) && shell.includes(`${env.baseUrl}/index.html`));
  assert.deepEqual(await cachedUrls(page), shell.sort());
  assert.deepEqual(page.errors, []);
});

test('offline, a reload still shows the app', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await freshPage(t);
  await openControlled(page, h.appUrl({ client_id: h.uid('deck-pwa-') }));
  // Only this test's context goes offline; it closes with the test.
  await page.context().setOffline(true);
  // The network is gone: the server would not even be asked.
  await assert.rejects(page.evaluate((u) => fetch(u, { cache: 'no-store' }), `${env.baseUrl}/favicon.svg?offline`));
  page.errors.length = 0; // the console's report of that refused fetch
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  const response = await page.reload();
  assert.ok(response.fromServiceWorker());
  // The app ran (the wasm came from the cache too): its status line and connection form are there.
  await page.getByRole('status').filter({ hasText: /^Disconnected/ }).waitFor();
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  assert.deepEqual(failed, [], 'requests that failed offline');
  assert.deepEqual(page.errors, []);
});

test('under a path prefix, a new deploy offers a reload, and the offer loads it', { timeout: TEST_TIMEOUT }, async (t) => {
  // A deployment of its own that the test can redeploy: a copy of dist/ at /tools/mqtt/ on another port.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-deploy-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'tools', 'mqtt');
  fs.cpSync(h.DIST, dir, { recursive: true });
  const site = await serve(root, 0);
  t.after(() => site.close());
  const page = await freshPage(t);
  const app = `${site.url}/tools/mqtt/`;
  await openControlled(page, `${app}index.html`);
  // The worker, the manifest's start and scope, and the cache all stay under the prefix.
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), `${app}${SW}`);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.scope)), app);
  const { parsed } = await (await page.context().newCDPSession(page)).send('Page.getAppManifest');
  assert.equal(parsed.scope, app);
  assert.ok((await cachedUrls(page)).every((u) => u.startsWith(app)));
  const offer = page.getByRole('complementary', { name: 'New version' });
  assert.equal(await offer.count(), 0, 'no offer without a new version');

  // The next deploy: a different index.html and the service worker release.mjs would make for it.
  const index = path.join(dir, 'index.html');
  const html = fs.readFileSync(index, 'utf8');
  assert.ok(html.includes('<title>MQTT Deck</title>'));
  fs.writeFileSync(index, html.replace('<title>MQTT Deck</title>', '<title>MQTT Deck</title><meta name=deck-deploy content=2>'));
  const sw = await serviceWorker(dir, fs.readFileSync(path.join(h.REPO, 'static', SW), 'utf8'));
  fs.writeFileSync(path.join(dir, SW), sw.code);
  for (const stale of ['index.html.gz', `${SW}.gz`]) fs.rmSync(path.join(dir, stale), { force: true });

  // Browsers look for a new sw.js on navigations and now and then; this asks at once.
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await offer.waitFor();
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, 'update-offer.png') });
  assert.equal(await page.locator('meta[name=deck-deploy]').count(), 0, 'the running page is still the old version');
  // "Not now" keeps the running version; a reload is still the old version (the new one waits
  // while a page uses the old one) and offers it again.
  await offer.getByRole('button', { name: 'Not now: keep this version until the next visit' }).click();
  await offer.waitFor({ state: 'detached' });
  await page.reload();
  await offer.waitFor();
  assert.equal(await page.locator('meta[name=deck-deploy]').count(), 0, 'a reload kept the old version');
  // From the keyboard: the offer is the page's last stop, so Shift+Tab from the page's start
  // reaches "Not now" and then the reload button; Enter presses it.
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'Not now: keep this version until the next visit');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'Reload into the new version');
  await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
  await page.locator('meta[name=deck-deploy]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  assert.equal(await offer.count(), 0);
  // The new version's cache replaced the old one.
  const caches = await page.evaluate(() => caches.keys());
  assert.equal(caches.length, 1);
  assert.ok(caches[0].endsWith(` ${sw.version}`), `cache "${caches[0]}" is version ${sw.version}`);
  assert.deepEqual(page.errors, []);
});

// ------------------------------------------------------------------ phones

/** Starts the simulated home once; resolves when it has announced its devices. */
async function startSim() {
  if (sim) return;
  if (!fs.existsSync(SIM)) throw new Error(`${SIM} not found: run cargo build --locked -p mqtt-deck-sim (or set DECK_SIM)`);
  sim = spawn(SIM, ['--port', String(h.PORTS.mqtt), '--interval-ms', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not connect; output:\n${out}`)), T);
    sim.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      if (/^connected; announcing devices$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    sim.stderr.setEncoding('utf8').on('data', (c) => (out += c));
    sim.on('exit', (code) => reject(new Error(`the simulator exited ${code}; output:\n${out}`)));
  });
}

/** What a phone user could not tap or see: small controls, sideways scrolling, a hidden status. */
const phoneProblems = (page) =>
  page.evaluate(() => {
    const name = (el) => el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent.trim().slice(0, 40);
    const small = [];
    for (const el of document.querySelectorAll('button, input, select, textarea, a[href], summary, [role=switch], [role=tab]')) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      let r = el.getBoundingClientRect();
      if (el.type === 'checkbox' || el.type === 'radio') {
        // The clickable area of a checkbox is the box and its labels together.
        const boxes = [r, ...[...el.labels].map((l) => l.getBoundingClientRect())];
        const left = Math.min(...boxes.map((b) => b.left));
        const top = Math.min(...boxes.map((b) => b.top));
        r = { width: Math.max(...boxes.map((b) => b.right)) - left, height: Math.max(...boxes.map((b) => b.bottom)) - top };
      }
      if (r.width < 44 || r.height < 44) small.push(`${el.tagName.toLowerCase()} "${name(el)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
      // A control squeezed narrower than its text lets the text run over its neighbours.
      if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1) small.push(`button "${name(el)}" is narrower than its text`);
    }
    // The status must be on screen and on top (not under the tab bar) wherever the page is scrolled.
    const hidden = [];
    const el = document.getElementById('connection-status');
    for (const y of [0, document.scrollingElement.scrollHeight]) {
      scrollTo(0, y);
      const r = el.getBoundingClientRect();
      const onTop = el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
      if (!(r.top >= 0 && r.bottom <= innerHeight && r.height > 0 && onTop)) hidden.push(`scrolled to ${scrollY}: ${Math.round(r.top)}..${Math.round(r.bottom)}`);
    }
    scrollTo(0, 0);
    return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth, small, hidden };
  });

for (const viewport of [{ width: 375, height: 667 }, { width: 390, height: 844 }]) {
  test(`on a ${viewport.width}x${viewport.height} phone every screen fits and is easy to tap`, { timeout: TEST_TIMEOUT }, async (t) => {
    await startSim();
    const page = await freshPage(t, { viewport, isMobile: true, hasTouch: true });
    await page.goto(h.appUrl({ client_id: h.uid('deck-phone-'), sub: '#', connect: 1 }));
    await page.getByRole('status').filter({ hasText: CONNECTED }).waitFor();
    // Each screen with something that shows it is filled: the Monitor's tree and the Panel's cards
    // from the simulated home, the forms of the others.
    const views = {
      // A found topic opens its levels: full rows with a count, the last value and its time.
      Monitor: page.getByRole('button', { name: 'Topic decksim/plug/telemetry', exact: true }),
      Panel: page.getByRole('region', { name: 'Device panel', exact: true }).getByRole('article').first(),
      Messages: page.getByRole('button', { name: 'Clear messages', exact: true }),
      Publish: page.getByRole('form', { name: 'Publish', exact: true }),
      Connection: page.getByRole('form', { name: 'Connection', exact: true }),
    };
    for (const [view, content] of Object.entries(views)) {
      await page.getByRole('tab', { name: view, exact: true }).click();
      if (view === 'Monitor') await page.getByLabel('Find topics', { exact: true }).fill('telemetry');
      await content.waitFor();
      const found = await phoneProblems(page);
      assert.equal(found.innerWidth, viewport.width);
      assert.ok(found.scrollWidth <= found.innerWidth, `${view}: the page scrolls sideways (${found.scrollWidth} px wide)`);
      assert.deepEqual(found.small, [], `${view}: controls smaller than 44x44 px`);
      assert.deepEqual(found.hidden, [], `${view}: the connection status is out of view`);
      fs.mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS, `phone-${view.toLowerCase()}-${viewport.width}.png`) });
    }
    assert.deepEqual(page.errors, []);
  });
}
