// Several connections at once, as a user runs them: two brokers (the harness's Mosquitto and a
// second one) open side by side, each connection's Monitor shows only its own messages, the
// connection list shows both with their state and counts, switching and closing work, a saved
// connection opened alongside gets its own client ID and its colour, and on a phone the list is
// a sheet behind a button in the status bar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as h from './harness.mjs';
import { startMosquitto } from './brokers.mjs';

const T = 15_000;
const TEST_TIMEOUT = 90_000;
// The second broker sits above the harness's ports (BASE .. BASE+2).
const B_TCP = h.BASE + 10;
const B_WS = h.BASE + 11;
const A_NAME = `127.0.0.1:${h.PORTS.ws}`;
const B_NAME = `127.0.0.1:${B_WS}`;

let env;
let brokerB;

before(async () => {
  env = await h.setup();
  brokerB = await startMosquitto({ tcpPort: B_TCP, listeners: [{ port: B_WS }] });
});

after(async () => {
  await brokerB?.close();
  await h.teardown(env?.browser);
});

const run = promisify(execFile);
const pubA = (topic, payload) => h.mosquittoPub(['-t', topic, '-m', payload, '-q', '1']);
const pubB = (topic, payload) => run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(B_TCP), '-t', topic, '-m', payload, '-q', '1']);

const list = (page) => page.getByRole('navigation', { name: 'Connections', exact: true });
const row = (page, name) =>
  list(page).getByRole('listitem').filter({ has: page.getByRole('button', { name: `Switch to ${name}`, exact: true }) });
const received = (page) => page.getByLabel('Messages received', { exact: true });
const topic = (page, root) =>
  page.getByRole('region', { name: 'Topic tree', exact: true }).getByRole('button', { name: `Topic ${root}`, exact: true });

async function waitConnected(page) {
  await page.locator('#connection-status').filter({ hasText: /\bConnected\b/ }).waitFor();
}

/** The shown connection's form: a new broker URL, then Connect. */
async function connectTo(page, url) {
  await page.getByLabel('Broker URL', { exact: true }).fill(url);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitConnected(page);
}

async function firstConnection(t, options = {}) {
  const page = await h.newPage(env.browser);
  if (options.viewport) await page.setViewportSize(options.viewport);
  t.after(() => page.context().close());
  await page.goto(h.appUrl({ client_id: h.uid('deck-a-'), connect: 1, sub: 'alpha/#' }));
  await waitConnected(page);
  // Attached, not visible: on a phone the subscriptions are on the Connection screen.
  await page.locator('.sub-list').getByText(/granted QoS/).first().waitFor({ state: 'attached' });
  return page;
}

test('two brokers at once: each connection sees only its own messages; switch and close', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await firstConnection(t);
  // Today's page until the user asks for more: the list is behind the status bar's button.
  const toggle = page.getByRole('button', { name: 'Connections', exact: true });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await list(page).count(), 0);
  await toggle.click();
  await row(page, A_NAME).filter({ hasText: 'Connected' }).waitFor();

  await list(page).getByRole('button', { name: 'New connection', exact: true }).click();
  // The new connection is shown at once, with the default form and nothing received.
  await row(page, '127.0.0.1:9001').waitFor();
  assert.equal(await page.locator('#connection-status').textContent(), 'Disconnected');
  assert.equal(await received(page).textContent(), '0');
  await connectTo(page, `ws://127.0.0.1:${B_WS}`);
  await h.subscribe(page, 'beta/#');
  await row(page, B_NAME).filter({ hasText: 'Connected' }).waitFor();

  for (const n of [1, 2, 3]) await pubA('alpha/temp', `a${n}`);
  for (const n of [1, 2]) await pubB('beta/temp', `b${n}`);

  // Shown: broker B. Its Monitor has beta only; its counter says 2.
  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await topic(page, 'beta').waitFor();
  await page.waitForFunction(() => document.getElementById('messages-received')?.textContent === '2');
  assert.equal(await topic(page, 'alpha').count(), 0, 'broker A\'s topics are not in broker B\'s tree');
  // The hidden connection kept receiving: the list counts its three.
  await row(page, A_NAME).filter({ hasText: '3 received' }).filter({ hasText: 'Connected' }).waitFor();
  await row(page, B_NAME).filter({ hasText: '2 received' }).filter({ hasText: 'Connected' }).waitFor();
  assert.match(await row(page, A_NAME).textContent(), /\d+\/s/, 'each row shows its rate');
  assert.equal(await list(page).getByRole('button', { name: `Switch to ${B_NAME}` }).getAttribute('aria-current'), 'true');

  await list(page).getByRole('button', { name: `Switch to ${A_NAME}`, exact: true }).click();
  await topic(page, 'alpha').waitFor();
  assert.equal(await topic(page, 'beta').count(), 0, 'broker B\'s topics are not in broker A\'s tree');
  assert.equal(await received(page).textContent(), '3');
  assert.equal(await page.getByLabel('Broker URL', { exact: true }).inputValue(), h.WS_URL);

  // Closing B disconnects it; A stays connected and keeps receiving.
  const bGone = new Promise((resolve) => {
    const check = () => (/disconnected|closed its connection/i.test(brokerB.log()) ? resolve() : setTimeout(check, 50));
    check();
  });
  await list(page).getByRole('button', { name: `Close ${B_NAME}`, exact: true }).click();
  await row(page, B_NAME).waitFor({ state: 'detached' });
  await bGone;
  assert.equal(await list(page).getByRole('listitem').count(), 1);
  assert.equal(await list(page).getByRole('button', { name: /^Close / }).count(), 0, 'the last connection cannot be closed');
  await pubA('alpha/temp', 'a4');
  await page.waitForFunction(() => document.getElementById('messages-received')?.textContent === '4');
  await waitConnected(page);
  assert.deepEqual(page.errors, []);
});

test('a saved connection opened alongside has its colour and its own client ID', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await firstConnection(t);
  await page.getByLabel('Connection name', { exact: true }).fill('Lab');
  await page.getByLabel('Connection colour', { exact: true }).selectOption({ label: 'Teal' });
  await page.getByRole('button', { name: 'Save connection', exact: true }).click();
  await page.getByRole('region', { name: 'Saved connections' }).getByRole('status').filter({ hasText: 'Saved "Lab"' }).waitFor();
  // The status bar wears the connection's colour.
  const bar = page.locator('header.statusbar');
  assert.equal(await bar.evaluate((e) => getComputedStyle(e).borderTopColor), 'rgb(31, 154, 154)');

  await page.getByRole('button', { name: 'Connections', exact: true }).click();
  await list(page).getByLabel('Open saved connection alongside', { exact: true }).selectOption('Lab');
  await row(page, 'Lab (2)').waitFor();
  const firstId = await page.locator('#connection-status').textContent();
  // Same broker, same saved connection: the second takes a fresh client ID, so neither takes the
  // other's session (which would reconnect both forever).
  const secondId = await page.getByLabel('Client ID', { exact: true }).inputValue();
  assert.ok(!firstId.includes(secondId), `${secondId} differs from the first connection's ID`);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitConnected(page);
  await pubA('alpha/x', 'for both');
  await row(page, 'Lab').filter({ hasText: 'Connected' }).waitFor();
  await row(page, 'Lab (2)').filter({ hasText: 'Connected' }).waitFor();
  for (const name of ['Lab', 'Lab (2)']) {
    assert.equal(await row(page, name).getAttribute('data-colour'), 'teal', `${name} shows its colour in the list`);
  }
  // Still both connected a moment later: no takeover between them.
  await row(page, 'Lab').filter({ hasText: '1 received' }).waitFor();
  assert.match(await row(page, 'Lab').textContent(), /Connected/);
  assert.match(await row(page, 'Lab (2)').textContent(), /Connected/);
  assert.deepEqual(page.errors, []);
});

for (const viewport of [{ width: 375, height: 667 }, { width: 390, height: 844 }]) {
  test(`on a ${viewport.width} px phone the list is a sheet and nothing scrolls sideways`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await firstConnection(t, { viewport });
    const toggle = page.getByRole('button', { name: 'Connections', exact: true });
    await toggle.waitFor();
    const box = await toggle.boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, `the button is ${box.width}x${box.height} px`);
    assert.ok(await page.locator('#connection-status').isVisible(), 'the status stays in sight');
    await toggle.click();
    await list(page).getByRole('button', { name: 'New connection', exact: true }).click();
    await row(page, '127.0.0.1:9001').waitFor();
    const wide = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(wide <= viewport.width, `the page scrolls sideways (${wide} px)`);
    for (const b of await list(page).getByRole('button').all()) {
      const r = await b.boundingBox();
      assert.ok(r.height >= 44, `"${await b.textContent()}" is ${r.height} px tall`);
    }
    // Switching on a phone closes the sheet and shows the chosen connection.
    await list(page).getByRole('button', { name: `Switch to ${A_NAME}`, exact: true }).click();
    await list(page).waitFor({ state: 'detached' });
    await waitConnected(page);
    assert.deepEqual(page.errors, []);
  });
}

test('failover: a broker that cannot be reached hands over to the next URL', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.goto(h.appUrl({ client_id: h.uid('deck-f-') }));
  const dead = `ws://127.0.0.1:${await h.closedPort()}`;
  await page.getByLabel('Fallback broker URLs', { exact: true }).fill(`ws://127.0.0.1:${B_WS}`);
  await connectTo(page, dead);
  // The bar names the broker in use: the fallback.
  assert.equal(await page.locator('header.statusbar .broker').textContent(), `ws://127.0.0.1:${B_WS}`);
  await h.subscribe(page, 'failover/#');
  await pubB('failover/x', 'via the fallback');
  await page.waitForFunction(() => document.getElementById('messages-received')?.textContent === '1');
  // A fallback that is no broker URL is refused where it is typed, and nothing starts.
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await page.getByLabel('Fallback broker URLs', { exact: true }).fill('http://nowhere');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('form', { name: 'Connection' }).getByText(/Fallback: Broker URL "http:\/\/nowhere" must start with ws:\/\//).waitFor();
  assert.equal(await page.locator('#connection-status').textContent(), 'Disconnected');
  // Chromium reports the refused socket itself; nothing else may go wrong.
  assert.deepEqual(page.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED')), []);
});
