// Browser specs for MQTT Deck's Panel screen against the simulated home (mqtt-deck-sim): discovered
// devices with live values, switching a light, moving a thermostat setpoint, telemetry, devices
// going offline, pinning to a user panel (persisted, reordered, removed, broken imports) and the
// phone layout; at the end, regressions for bugs found while writing these specs.
//
// Same setup as slice.spec.mjs: the built app (dist/) in headless Chromium against a private
// mosquitto started by scripts/broker.sh. One simulator per file, started in before() on the
// broker's plain TCP listener; mosquitto_pub/mosquitto_sub are the independent party. The broker
// is private to this file and keeps nothing on disk, so the simulator's retained discovery and
// states vanish with it; tests that change the simulated home restore it (or read it first).
//
// Environment (besides harness.mjs's): DECK_SIM  the simulator binary, relative to the repository
// (default target/debug/mqtt-deck-sim; build it with `cargo build --locked -p mqtt-deck-sim`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';

// Generous because the first page load compiles the wasm on a 2-core machine that may be busy.
const T = 15_000;
const TEST_TIMEOUT = 90_000;
// The simulator's telemetry interval; tests wait for "a different value" within a few of them.
const SIM_INTERVAL_MS = 1000;
const SIM = path.resolve(h.REPO, process.env.DECK_SIM || path.join('target', 'debug', 'mqtt-deck-sim'));
const SCREENSHOT = path.join(h.REPO, 'tests', 'e2e', 'test-results', 'panel-phone.png');

// What the simulator announces: device sections (aria-label = device name) and a card of each.
const DEVICES = {
  Thermostat: 'Thermostat',
  'Living room light': 'Living room light',
  'Hall light': 'Hall light',
  'Smart plug': 'Power',
  'Front door': 'Front door',
  'Bedroom blind': 'Blind',
  garden_sensor: 'Temperature',
};

let env;
let sim;

// ------------------------------------------------------------------ the simulator

/** Starts the simulator; resolves once it is connected and has announced its devices. */
async function startSim() {
  if (!fs.existsSync(SIM)) throw new Error(`${SIM} not found: run cargo build --locked -p mqtt-deck-sim (or set DECK_SIM)`);
  const child = spawn(SIM, ['--port', String(h.PORTS.mqtt), '--interval-ms', String(SIM_INTERVAL_MS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const s = { child, out: '', exit: null };
  s.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      s.exit = { code, signal };
      resolve(s.exit);
    });
    child.on('error', (e) => {
      s.out += `spawn error: ${e.message}\n`;
      s.exit = { code: null, signal: null, error: e };
      resolve(s.exit);
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (c) => (s.out += c));
  }
  sim = s;
  await simSaid(/^connected; announcing devices$/m, 'the simulator to connect');
  return s;
}

/** Waits until the simulator's output matches `re`; fails at once if it exits. */
async function simSaid(re, what = `simulator output ${re}`, { timeout = T, from = 0 } = {}) {
  const s = sim;
  const deadline = Date.now() + timeout;
  for (;;) {
    const m = s.out.slice(from).match(re);
    if (m) return m;
    if (s.exit) throw new Error(`simulator exited (${JSON.stringify(s.exit)}) while waiting for ${what}; output:\n${s.out}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; simulator output:\n${s.out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM (the simulator then publishes "offline"); resolves with how it exited. */
async function stopSim() {
  const s = sim;
  if (!s || s.exit) return s?.exit;
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  const exit = await s.exited;
  clearTimeout(timer);
  return exit;
}

/** A test that needs the simulator gets a running one, even if an earlier test left it stopped. */
async function ensureSim() {
  if (!sim || sim.exit) await startSim();
  return sim;
}

// A crashed or interrupted test process must not leave the simulator retrying forever.
const killSim = () => {
  if (sim && !sim.exit) sim.child.kill('SIGKILL');
};
process.on('exit', killSim);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    killSim();
    process.kill(process.pid, sig);
  });
}

before(async () => {
  env = await h.setup();
  await startSim();
});

after(async () => {
  try {
    await stopSim();
  } finally {
    await h.teardown(env?.browser);
  }
});

// ------------------------------------------------------------------ helpers

const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const exactText = (s) => new RegExp(`^\\s*${reEscape(s)}\\s*$`);
const CONNECTED = /\bConnected\b/;
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;

const panelRegion = (page) => page.getByRole('region', { name: 'Device panel', exact: true });
const device = (page, name) => panelRegion(page).getByRole('region', { name, exact: true });
const card = (scope, name) => scope.getByRole('article', { name, exact: true });
const valueOf = (scope, label) => scope.getByLabel(label, { exact: true });

async function pageState(page) {
  const text = async (loc, n = 8000) => (await loc.innerText({ timeout: 1000 }).catch(() => '(missing)')).slice(0, n);
  return [
    `status: ${await text(page.getByRole('status').first(), 200)}`,
    `alerts: ${JSON.stringify(await page.getByRole('alert').allInnerTexts().catch(() => []))}`,
    `panel:\n${await text(panelRegion(page))}`,
    `page errors:\n${page.errors.join('\n') || '(none)'}`,
    `simulator output (tail):\n${sim ? sim.out.slice(-1500) : '(none)'}`,
  ].join('\n');
}

/** locator.waitFor, but a timeout says what was awaited and what the page showed instead. */
async function waitFor(page, locator, what, { timeout = T, state } = {}) {
  try {
    await locator.waitFor({ timeout, state });
  } catch (e) {
    throw new Error(`waiting for ${what}: ${e.message.split('\n')[0]}\n${await pageState(page)}`);
  }
}

/** page.waitForFunction with the same kind of failure message. */
async function waitUntil(page, fn, arg, what, timeout = T) {
  try {
    return await page.waitForFunction(fn, arg, { timeout });
  } catch (e) {
    throw new Error(`waiting for ${what}: ${e.message.split('\n')[0]}\n${await pageState(page)}`);
  }
}

/** Opens the app connected to the anonymous websockets listener, on the Panel screen. */
async function panelApp(t, { page, reload = false } = {}) {
  if (!page) {
    page = await h.newPage(env.browser);
    t.after(() => page.context().close());
  }
  if (reload) await page.reload();
  else await page.goto(h.appUrl({ client_id: h.uid('deck-panel-'), version: '5', connect: 1 }));
  await waitFor(page, page.getByRole('status').filter({ hasText: CONNECTED }).first(), 'status "Connected"');
  await page.getByRole('tab', { name: 'Panel', exact: true }).click();
  await waitFor(page, panelRegion(page), 'the "Device panel" section');
  return page;
}

/** Waits until the value text labelled `label` matches `re`; returns it. */
async function waitValue(page, scope, label, re, what = `"${label}" showing ${re}`) {
  await waitFor(page, valueOf(scope, label).filter({ hasText: re }), what);
  return (await valueOf(scope, label).innerText()).trim();
}

/** Names of the cards in the shown panel, in order. */
const cardNames = (page) =>
  panelRegion(page)
    .getByRole('article')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

async function waitCardNames(page, expected, what = `cards ${JSON.stringify(expected)}`) {
  await waitUntil(
    page,
    (exp) => {
      const region = document.querySelector('section[aria-label="Device panel"]');
      const names = [...(region?.querySelectorAll('article') ?? [])].map((a) => a.getAttribute('aria-label'));
      return JSON.stringify(names) === JSON.stringify(exp);
    },
    expected,
    what,
  );
  assert.deepEqual(await cardNames(page), expected);
}

/** Awaits a mosquittoSub's `done`; a failure also says what the page showed. */
async function received(page, sub) {
  try {
    return await sub.done;
  } catch (e) {
    throw new Error(`${e.message}\n${await pageState(page)}`);
  }
}

/** Waits until a mosquittoSub has printed `line`. */
async function waitLine(sub, line, what, timeout = T) {
  const deadline = Date.now() + timeout;
  while (!sub.lines.includes(line)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${JSON.stringify(line)}); got ${JSON.stringify(sub.lines)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The panel switcher (the toggle buttons): which one is shown and which are not. */
async function panelButtons(page) {
  // `pressed: false` alone would also match every button without aria-pressed.
  const names = (pressed) => panelRegion(page).getByRole('button', { pressed }).and(page.locator('[aria-pressed]')).allInnerTexts();
  return { shown: await names(true), others: await names(false) };
}

// ------------------------------------------------------------------ specs

test('the panel fills itself with the simulated devices and their values', { timeout: TEST_TIMEOUT }, async (t) => {
  await ensureSim();
  const page = await panelApp(t);
  // With no panel of their own, users land on what discovery found.
  const discovered = panelRegion(page).getByRole('button', { name: 'Discovered', exact: true });
  assert.equal(await discovered.getAttribute('aria-pressed'), 'true');

  for (const [deviceName, cardName] of Object.entries(DEVICES)) {
    const c = card(device(page, deviceName), cardName);
    await waitFor(page, c, `card "${cardName}" in device "${deviceName}"`);
    assert.equal(await c.getByRole('heading', { level: 3 }).innerText(), cardName);
    await waitFor(page, c.getByRole('button', { name: `Pin ${cardName}`, exact: true }), `"Pin ${cardName}"`);
  }

  // Values a user reads at a glance, straight from the simulator's retained states.
  await waitValue(page, device(page, 'Front door'), 'Front door value', /^(OPEN|CLOSED)$/);
  await waitValue(page, device(page, 'Smart plug'), 'Power value', new RegExp(`^${NUMBER} W$`));
  const thermostat = card(device(page, 'Thermostat'), 'Thermostat');
  await waitValue(page, thermostat, 'Thermostat current temperature', new RegExp(`^${NUMBER}\\s*°?C$`));
  assert.match(await thermostat.getByRole('spinbutton', { name: 'Thermostat target temperature', exact: true }).inputValue(), new RegExp(`^${NUMBER}$`));
  assert.match(await thermostat.getByRole('combobox', { name: 'Thermostat mode', exact: true }).inputValue(), /^(off|heat|auto)$/);
  const garden = device(page, 'garden_sensor');
  await waitValue(page, garden, 'Temperature value', new RegExp(`^${NUMBER} °C$`));
  await waitValue(page, garden, 'Humidity value', new RegExp(`^${NUMBER} %$`));
  await waitValue(page, garden, 'Battery value', new RegExp(`^${NUMBER}`));
  assert.equal(await garden.getByRole('combobox', { name: 'Temperature unit', exact: true }).inputValue(), 'celsius');

  // The simulator starts with the living room light on at 180/255 and the blind fully open.
  const living = card(device(page, 'Living room light'), 'Living room light');
  await waitFor(page, living.getByRole('switch', { name: 'Living room light', checked: true }), 'living room light shown on');
  assert.equal(await living.getByRole('slider', { name: 'Living room light brightness', exact: true }).inputValue(), '71');
  const blind = card(device(page, 'Bedroom blind'), 'Blind');
  await waitValue(page, blind, 'Blind value', /^Open$/);
  assert.equal(await blind.getByRole('slider', { name: 'Blind position', exact: true }).inputValue(), '100');
  await waitFor(page, device(page, 'Smart plug').getByRole('switch', { name: 'Plug', checked: true }), 'the plug shown on');

  // Everything the simulator announces is understood and online.
  assert.equal(await panelRegion(page).getByText('offline', { exact: true }).count(), 0, 'a card says offline');
  assert.equal(await panelRegion(page).getByText(/^Skipped \(/).count(), 0, 'some discovery was skipped');
  assert.deepEqual(page.errors, []);
});

test('the Hall light switch turns the light on and off through the simulator', { timeout: TEST_TIMEOUT }, async (t) => {
  await ensureSim();
  const page = await panelApp(t);
  const hall = card(device(page, 'Hall light'), 'Hall light');
  const sw = hall.getByRole('switch', { name: 'Hall light', exact: true });
  await waitFor(page, sw.and(page.locator('[aria-checked="false"]:not([disabled])')), 'the Hall light switch, off and enabled');
  assert.equal((await sw.innerText()).trim(), 'Off');

  for (const [word, checked] of [
    ['ON', true],
    ['OFF', false],
  ]) {
    // -R: only the live state report, not the retained one the subscription starts with.
    const state = h.mosquittoSub(['-t', 'decksim/hall_light/state', '-R'], { count: 1, timeout: 15 });
    const command = h.mosquittoSub(['-t', 'decksim/hall_light/set'], { count: 1, timeout: 15 });
    t.after(() => {
      state.kill();
      command.kill();
    });
    await Promise.all([state.ready, command.ready]);
    const simFrom = sim.out.length;
    await sw.click();
    assert.deepEqual(await received(page, command), [word], 'the command the app published');
    assert.deepEqual(await received(page, state), [word], 'the state the simulator reported');
    await simSaid(new RegExp(`hall light ${word}$`, 'm'), `the simulator obeying ${word}`, { from: simFrom });
    // Confirmed, not just optimistic: the card no longer says "sending…".
    await waitFor(page, hall.getByRole('switch', { name: 'Hall light', checked }), `switch aria-checked=${checked}`);
    await waitFor(page, hall.getByText('sending…'), '"sending…" to go away', { state: 'detached' });
    assert.equal((await sw.innerText()).trim(), checked ? 'On' : 'Off');
    assert.equal(await sw.getAttribute('aria-checked'), String(checked));
  }
  assert.deepEqual(await page.getByRole('alert').allInnerTexts(), []);
});

test('moving the thermostat setpoint publishes it and the display follows the device', { timeout: TEST_TIMEOUT }, async (t) => {
  await ensureSim();
  const page = await panelApp(t);
  const thermostat = card(device(page, 'Thermostat'), 'Thermostat');
  const target = thermostat.getByRole('spinbutton', { name: 'Thermostat target temperature', exact: true });
  await waitUntil(
    page,
    () => {
      const input = document.querySelector('input[aria-label="Thermostat target temperature"]');
      return input && !input.disabled && /\d/.test(input.value);
    },
    null,
    'a target temperature, enabled',
  );
  const before = Number(await target.inputValue());
  const up = before >= 30 ? before - 0.5 : before + 0.5;

  const command = h.mosquittoSub(['-t', 'decksim/thermostat/target/set'], { count: 1, timeout: 15 });
  // The simulator repeats its target every interval, so the old value may come first.
  const state = h.mosquittoSub(['-t', 'decksim/thermostat/target', '-R'], { count: 1000, timeout: 30 });
  t.after(() => {
    command.kill();
    state.kill();
  });
  await Promise.all([command.ready, state.ready]);
  const simFrom = sim.out.length;
  await thermostat.getByRole('button', { name: `Thermostat target ${up > before ? '+' : '\u2212'}`, exact: true }).click();
  assert.deepEqual(await received(page, command), [String(up)], 'the setpoint the app published');
  await waitLine(state, String(up), 'the target the simulator reported');
  state.kill();
  await simSaid(new RegExp(`thermostat target ${reEscape(String(up))}$`, 'm'), 'the simulator obeying', { from: simFrom });
  await waitUntil(
    page,
    (v) => document.querySelector('input[aria-label="Thermostat target temperature"]')?.value === v,
    String(up),
    `target input showing ${up}`,
  );
  await waitFor(page, thermostat.getByText('sending…'), '"sending…" to go away', { state: 'detached' });

  // Someone else changes it (another controller talking to the device): the card follows.
  const other = up === 19 ? '18' : '19';
  await h.mosquittoPub(['-t', 'decksim/thermostat/target/set', '-m', other, '-q', '1']);
  await waitUntil(
    page,
    (v) => document.querySelector('input[aria-label="Thermostat target temperature"]')?.value === v,
    other,
    `target input following the device to ${other}`,
  );
  assert.deepEqual(await page.getByRole('alert').allInnerTexts(), []);
});

test('sensor values update live: telemetry changes and a published value appears', { timeout: TEST_TIMEOUT }, async (t) => {
  await ensureSim();
  const page = await panelApp(t);
  const plug = device(page, 'Smart plug');
  const first = await waitValue(page, plug, 'Power value', new RegExp(`^${NUMBER} W$`));
  // The simulator's power reading jitters every interval.
  await waitFor(
    page,
    valueOf(plug, 'Power value').filter({ hasText: new RegExp(`^(?!${reEscape(first)}$)${NUMBER} W$`) }),
    `Power to change from ${first}`,
    { timeout: 10 * SIM_INTERVAL_MS },
  );

  // A reading from elsewhere shows at once, through the discovery's template (round(1)). The next
  // tick overwrites it within a second, so every text the card shows is recorded as it renders.
  await page.evaluate(() => {
    window.seenPower = [];
    const record = () => {
      const text = document.querySelector('[aria-label="Power value"]')?.textContent;
      if (text && text !== window.seenPower.at(-1)) window.seenPower.push(text);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await h.mosquittoPub(['-t', 'decksim/plug/telemetry', '-m', '{"power": 1234.56}', '-q', '1']);
  await waitUntil(page, () => window.seenPower.includes('1234.6 W'), null, 'Power showing "1234.6 W"');

  // The garden sensor (Zigbee2MQTT) keeps reporting too.
  const garden = device(page, 'garden_sensor');
  const humidity = await waitValue(page, garden, 'Humidity value', new RegExp(`^${NUMBER} %$`));
  await waitFor(
    page,
    valueOf(garden, 'Humidity value').filter({ hasText: new RegExp(`^(?!${reEscape(humidity)}$)${NUMBER} %$`) }),
    `Humidity to change from ${humidity}`,
    { timeout: 15 * SIM_INTERVAL_MS },
  );
});

test('devices going offline grey out and disable their controls, and come back', { timeout: TEST_TIMEOUT }, async (t) => {
  await ensureSim();
  const page = await panelApp(t);
  const cards = panelRegion(page).getByRole('article');
  const hall = card(device(page, 'Hall light'), 'Hall light');
  const sw = hall.getByRole('switch', { name: 'Hall light', exact: true });
  for (const [deviceName, cardName] of Object.entries(DEVICES)) {
    await waitFor(page, card(device(page, deviceName), cardName), `card "${cardName}"`);
  }
  await waitFor(page, sw.and(page.locator(':not([disabled])')), 'the Hall light switch enabled');
  assert.equal(await panelRegion(page).getByText('offline', { exact: true }).count(), 0, 'a card already says offline');
  const total = await cards.count();

  // Stopping the simulator makes it say "offline" (decksim/status, zigbee2mqtt/bridge/state).
  const exit = await stopSim();
  assert.equal(exit.code, 0, `simulator exit ${JSON.stringify(exit)}\n${sim.out}`);
  assert.match(sim.out, /stopping: marking devices offline/);
  await waitFor(page, hall.getByText('offline', { exact: true }), '"offline" on the Hall light');
  await waitUntil(
    page,
    (n) => document.querySelectorAll('section[aria-label="Device panel"] article.card.offline').length === n,
    total,
    `all ${total} cards marked offline`,
  );
  assert.equal(await panelRegion(page).getByText('offline', { exact: true }).count(), total, '"offline" badges');
  assert.ok(await sw.isDisabled(), 'the offline Hall light switch is still enabled');
  for (const name of ['Plug', 'Living room light']) {
    assert.ok(await panelRegion(page).getByRole('switch', { name, exact: true }).isDisabled(), `switch ${name} enabled while offline`);
  }
  assert.ok(await panelRegion(page).getByRole('spinbutton', { name: 'Thermostat target temperature', exact: true }).isDisabled(), 'thermostat target enabled while offline');
  assert.ok(await panelRegion(page).getByRole('button', { name: 'Blind open', exact: true }).isDisabled(), '"Blind open" enabled while offline');
  assert.ok(await panelRegion(page).getByRole('combobox', { name: 'Temperature unit', exact: true }).isDisabled(), 'Zigbee select enabled while offline');
  // Dimmed: a user sees the cards fade.
  const opacity = await hall.evaluate((el) => Number(getComputedStyle(el).opacity));
  assert.ok(opacity < 1, `offline card opacity ${opacity}`);

  // The simulator comes back and says "online": the cards light up and work again.
  await startSim();
  await waitUntil(
    page,
    () => document.querySelectorAll('section[aria-label="Device panel"] article.card.offline').length === 0,
    null,
    'no card marked offline',
  );
  assert.equal(await panelRegion(page).getByText('offline', { exact: true }).count(), 0);
  await waitFor(page, sw.and(page.locator(':not([disabled])')), 'the Hall light switch enabled again');
  const opacityBack = await hall.evaluate((el) => Number(getComputedStyle(el).opacity));
  assert.equal(opacityBack, 1);
});

test('pinning makes a user panel that persists, reorders, removes and rejects broken imports', { timeout: TEST_TIMEOUT }, async (t) => {
  await ensureSim();
  const page = await panelApp(t);
  const region = panelRegion(page);
  const button = (name) => region.getByRole('button', { name, exact: true });
  await waitFor(page, button('Pin Hall light'), '"Pin Hall light"');
  assert.deepEqual(await panelButtons(page), { shown: ['Discovered'], others: [] });

  await button('Pin Hall light').click();
  // The first pin creates "My panel" and shows it.
  await waitFor(page, button('My panel').and(page.locator('[aria-pressed="true"]')), '"My panel" shown');
  await waitCardNames(page, ['Hall light']);
  const pinned = card(region, 'Hall light');
  await waitFor(page, pinned.getByRole('switch', { name: 'Hall light', checked: false }), 'the pinned switch showing the light off');
  assert.equal(await button('Pin Hall light').count(), 0, 'pin buttons on a user panel');

  await button('Discovered').click();
  await waitFor(page, button('Discovered').and(page.locator('[aria-pressed="true"]')), 'Discovered shown');
  await button('Pin Power').click();
  // Having chosen Discovered, the user stays there to pin more.
  assert.equal(await button('Discovered').getAttribute('aria-pressed'), 'true');
  await button('My panel').click();
  await waitCardNames(page, ['Hall light', 'Power']);
  await waitValue(page, region, 'Power value', new RegExp(`^${NUMBER} W$`));

  // Saved in the browser: a reload brings it back, live.
  await panelApp(t, { page, reload: true });
  await waitFor(page, button('My panel').and(page.locator('[aria-pressed="true"]')), '"My panel" shown after reload');
  await waitCardNames(page, ['Hall light', 'Power'], 'the pinned cards after reload');
  await waitValue(page, region, 'Power value', new RegExp(`^${NUMBER} W$`));

  assert.ok(await button('Move Hall light earlier').isDisabled(), 'the first card can move earlier');
  assert.ok(await button('Move Power later').isDisabled(), 'the last card can move later');
  await button('Move Hall light later').click();
  await waitCardNames(page, ['Power', 'Hall light']);
  await panelApp(t, { page, reload: true });
  await waitCardNames(page, ['Power', 'Hall light'], 'the new order after reload');

  await button('Remove Power').click();
  await waitCardNames(page, ['Hall light']);

  // Broken panel files say why and change nothing.
  const saved = () => page.evaluate(() => localStorage.getItem('mqtt-deck.panels'));
  const before = await saved();
  for (const broken of ['{"format": "mqtt-deck-panel", "version": 1, "panel": {"id": "p9"}}', '{"panels": [oops']) {
    const { status } = await h.importFile(page, 'broken.json', broken);
    await waitFor(page, status.filter({ hasText: /^broken\.json was not imported, nothing changed: \S/ }), `the rejection of ${broken}`);
    assert.equal(await saved(), before, `saved panels changed by importing ${broken}`);
    await h.show(page, 'Panel');
    await waitCardNames(page, ['Hall light'], `cards unchanged after importing ${broken}`);
    assert.deepEqual(await panelButtons(page), { shown: ['My panel'], others: ['Discovered'] });
  }
});

test('on a phone the panel fits the screen and has big touch targets', { timeout: TEST_TIMEOUT }, async (t) => {
  await ensureSim();
  const context = await env.browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await panelApp(t, { page });
  for (const [deviceName, cardName] of Object.entries(DEVICES)) {
    await waitFor(page, card(device(page, deviceName), cardName), `card "${cardName}"`);
  }
  await waitValue(page, panelRegion(page), 'Power value', new RegExp(`^${NUMBER} W$`));
  await waitValue(page, panelRegion(page), 'Thermostat current temperature', new RegExp(`^${NUMBER}`));

  const layout = await page.evaluate(() => {
    const offenders = [...document.querySelectorAll('body *')]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5))
      .map(({ el, r }) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).replace(/\s+/g, '.') : ''}` +
        `[${el.getAttribute('aria-label') ?? ''}] ${Math.round(r.left)}..${Math.round(r.right)}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, offenders };
  });
  assert.equal(layout.innerWidth, 375);
  assert.ok(layout.scrollWidth <= layout.innerWidth, `page scrolls sideways: scrollWidth ${layout.scrollWidth}`);
  assert.deepEqual(layout.offenders, [], 'elements reaching outside the 375 px viewport');

  const cards = panelRegion(page).getByRole('article');
  assert.ok((await cards.count()) >= Object.keys(DEVICES).length);
  for (const box of await cards.evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { name: e.getAttribute('aria-label'), left: r.left, right: r.right };
  }))) {
    assert.ok(box.left >= 0 && box.right <= 375, `card "${box.name}" spans ${box.left}..${box.right}`);
  }

  // Touch targets: switches, the thermostat's nudges and the blind's buttons.
  const targets = [
    ...(await panelRegion(page).getByRole('switch').all()),
    ...(await panelRegion(page).getByRole('button', { name: /^Thermostat target [+\u2212]$|^Blind (open|stop|close)$/ }).all()),
  ];
  assert.ok(targets.length >= 3 + 2 + 3, `only ${targets.length} touch targets found`);
  for (const target of targets) {
    const box = await target.boundingBox();
    const name = await target.getAttribute('aria-label');
    assert.ok(box.height >= 44, `"${name}" is ${box.height} px tall`);
  }

  // What a phone user sees first (a full-page shot would paint the fixed tab bar mid-page).
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  assert.deepEqual(page.errors, []);
});

// ------------------------------------------------------------------ known app bugs
//
// Each of these once failed: Add widget refused every widget, typing was overwritten by live
// values, and QoS 0 commands and panel edits did not repaint on a quiet broker.

/** Creates a user panel ("Panel 1") through the UI and opens its "Edit panel" section. */
async function newUserPanel(page) {
  const region = panelRegion(page);
  await region.getByRole('button', { name: 'New panel', exact: true }).click();
  await waitFor(page, region.getByRole('button', { name: 'Panel 1', exact: true }).and(page.locator('[aria-pressed="true"]')), '"Panel 1" shown');
  await region.getByText('Edit panel', { exact: true }).click();
  return region;
}

test(
  'the Add widget form puts a new card on the panel, and Edit changes it',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    await ensureSim();
    const page = await panelApp(t);
    const region = await newUserPanel(page);
    await region.getByLabel('Widget name', { exact: true }).fill('Desk lamp');
    await region.getByRole('combobox', { name: 'Widget kind' }).selectOption('switch');
    await region.getByLabel('State topic', { exact: true }).fill('decksim/hall_light/state');
    await region.getByLabel('Command topic', { exact: true }).fill('decksim/hall_light/set');
    await region.getByRole('button', { name: 'Add widget', exact: true }).click();
    const added = card(region, 'Desk lamp');
    await waitFor(page, added.or(region.getByRole('alert')).first(), 'the new card or an alert');
    assert.deepEqual(await region.getByRole('alert').allInnerTexts(), [], 'Add widget was refused');
    // It reads the Hall light's state like any other card.
    await waitFor(page, added.getByRole('switch', { name: 'Desk lamp', checked: false }), 'the new switch showing off');

    // Editing renames it in place and keeps it working.
    await region.getByRole('button', { name: 'Edit Desk lamp', exact: true }).click();
    const edit = region.getByRole('form', { name: 'Edit widget' });
    await edit.getByLabel('Widget name', { exact: true }).fill('Reading lamp');
    await edit.getByRole('button', { name: 'Save widget', exact: true }).click();
    const renamed = card(region, 'Reading lamp');
    await waitFor(page, renamed.getByRole('switch', { name: 'Reading lamp' }), 'the edited card');
    assert.equal(await card(region, 'Desk lamp').count(), 0, 'the old name is gone');
    assert.equal(await edit.count(), 0, 'the edit form closes after saving');
  },
);

// Every incoming message repaints the screen, and Yew then puts the device's value back into
// any field whose text differs: typing at human speed spans a message from the simulator.
test(
  'typing a thermostat setpoint and pressing Enter commands it',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    await ensureSim();
    const page = await panelApp(t);
    const thermostat = card(device(page, 'Thermostat'), 'Thermostat');
    const target = thermostat.getByRole('spinbutton', { name: 'Thermostat target temperature', exact: true });
    await waitUntil(
      page,
      () => /\d/.test(document.querySelector('input[aria-label="Thermostat target temperature"]')?.value ?? ''),
      null,
      'a target temperature',
    );
    const typed = (await target.inputValue()) === '23' ? '22' : '23';
    const command = h.mosquittoSub(['-t', 'decksim/thermostat/target/set'], { count: 1, timeout: 15 });
    t.after(() => command.kill());
    await command.ready;
    await target.click();
    await target.press('ControlOrMeta+a');
    await target.pressSequentially(typed, { delay: 2 * SIM_INTERVAL_MS / typed.length });
    assert.equal(await target.inputValue(), typed, 'what the user typed is no longer in the field');
    await target.press('Enter');
    assert.deepEqual(await received(page, command), [typed], 'the typed setpoint the app published');
    await waitFor(page, thermostat.getByText('sending…'), '"sending…" to go away', { state: 'detached' });
    assert.equal(await target.inputValue(), typed);
  },
);

test(
  'typing a new panel name renames the panel',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    await ensureSim();
    const page = await panelApp(t);
    const region = await newUserPanel(page);
    const name = region.getByLabel('Panel name', { exact: true });
    await name.click();
    await name.press('ControlOrMeta+a');
    await name.pressSequentially('Kitchen', { delay: 250 });
    await name.press('Enter');
    await waitFor(page, region.getByRole('button', { name: 'Kitchen', exact: true }), 'the panel button "Kitchen"', { timeout: 3000 });
  },
);

// With the simulator ticking, every second's message repaints the screen and hides these two.
test(
  'a QoS 0 switch command shows "sending…" at once, even with no other traffic',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    await stopSim();
    const base = `deck/${h.uid()}`;
    t.after(() => h.mosquittoPub(['-t', `${base}/state`, '-r', '-n', '-q', '1']));
    await h.mosquittoPub(['-t', `${base}/state`, '-m', 'OFF', '-r', '-q', '1']);
    const page = await panelApp(t);
    const region = await newUserPanel(page);
    const doc = {
      format: 'mqtt-deck-panel',
      version: 1,
      panel: {
        id: 'p1',
        name: 'Desk',
        widgets: [
          {
            id: 'w1',
            name: 'Desk lamp',
            kind: { type: 'switch' },
            state: { topic: `${base}/state`, extract: '' },
            command: { topic: `${base}/set`, qos: 0, retain: false },
          },
        ],
      },
    };
    const { preview, status } = await h.importFile(page, 'desk.json', JSON.stringify(doc));
    await preview.getByRole('button', { name: 'Merge file into this browser', exact: true }).click();
    await waitFor(page, status.filter({ hasText: 'Imported desk.json' }), 'the import to succeed');
    await h.show(page, 'Panel');
    await region.getByRole('button', { name: 'Desk', exact: true }).click();
    const lamp = card(region, 'Desk lamp');
    const sw = lamp.getByRole('switch', { name: 'Desk lamp', exact: true });
    await waitFor(page, sw.and(page.locator('[aria-checked="false"]')), 'the imported switch showing off');

    const command = h.mosquittoSub(['-t', `${base}/set`], { count: 1, timeout: 15 });
    t.after(() => command.kill());
    await command.ready;
    await sw.click();
    assert.deepEqual(await received(page, command), ['ON']);
    // The device has not answered: the card should say so right away.
    await waitFor(page, lamp.getByText('sending…'), '"sending…" after the click', { timeout: 3000 });
    assert.equal(await sw.getAttribute('aria-checked'), 'true');
  },
);

test(
  'renaming a panel shows the new name at once, even with no other traffic',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    await stopSim();
    const page = await panelApp(t);
    const region = await newUserPanel(page);
    const name = region.getByLabel('Panel name', { exact: true });
    await name.fill('Study');
    await name.press('Enter');
    await waitFor(page, region.getByRole('button', { name: 'Study', exact: true }), 'the renamed panel button', { timeout: 3000 });
  },
);
