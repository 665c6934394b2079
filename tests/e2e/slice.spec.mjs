// Browser specs for MQTT Deck's first slice: connect, subscribe, publish, receive, retained, binary, auth.
//
// They drive the built app (dist/) in headless Chromium against a private mosquitto started by
// scripts/broker.sh, and use mosquitto_pub/mosquitto_sub on the plain TCP listener as the
// independent party on the other side of the broker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

// Generous because the first page load compiles the wasm on a 2-core machine that may be busy.
const T = 15_000;
const TEST_TIMEOUT = 60_000;

// `param` is what the app's `version` query parameter takes, `label` is the <select> option
// text, `logTag` is how mosquitto logs the protocol ("p2" is its name for 3.1.1).
const VERSIONS = [
  { name: 'MQTT 3.1.1', param: '3.1.1', label: '3.1.1', logTag: 'p2' },
  { name: 'MQTT 5.0', param: '5', label: '5.0', logTag: 'p5' },
];

let env;

before(async () => {
  // Debug logging: refused CONNECTs and each PUBLISH's QoS/retain flags are only logged there.
  env = await h.setup({ logTypes: h.DEBUG_LOG_TYPES });
});

after(async () => {
  await h.teardown(env?.browser);
});

// ------------------------------------------------------------------ helpers
//
// Labels are matched exactly ("Topic" must not find "Topic filter"), except for the <select>s:
// a <label> wrapping a <select> has the option texts in its text, and their names are unique anyway.

const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const exactText = (s) => new RegExp(`^\\s*${reEscape(s)}\\s*$`);
// Case-sensitive and at a word start, so "Disconnected" and "Reconnecting" never match.
const CONNECTED = /\bConnected\b/;

async function openApp(t, params) {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.goto(h.appUrl(params));
  return page;
}

async function pageState(page) {
  const status = await page
    .getByRole('status')
    .first()
    .textContent({ timeout: 1000 })
    .catch(() => '(no role=status element)');
  const messages = await page
    .getByRole('list', { name: 'Messages', exact: true })
    .innerText({ timeout: 1000 })
    .catch(() => '(no Messages list)');
  return `status: ${JSON.stringify(status)}\nmessages:\n${messages}\npage errors:\n${page.errors.join('\n') || '(none)'}`;
}

/** locator.waitFor, but a timeout says what was awaited and what the page showed instead. */
async function waitFor(page, locator, what, timeout = T) {
  try {
    await locator.waitFor({ timeout });
  } catch (e) {
    throw new Error(`waiting for ${what}: ${e.message.split('\n')[0]}\n${await pageState(page)}`);
  }
}

const status = (page) => page.getByRole('status');

async function waitStatus(page, re, what = `status ${re}`) {
  await waitFor(page, status(page).filter({ hasText: re }).first(), what);
}

async function waitConnected(page) {
  await waitStatus(page, CONNECTED, 'status "Connected"');
  await waitFor(page, page.getByRole('button', { name: 'Disconnect', exact: true }), 'button "Disconnect"');
}

/** Opens the app connected through query parameters to the anonymous websockets listener. */
async function connectedApp(t, v, extra = {}) {
  const clientId = h.uid('deck-');
  const page = await openApp(t, { client_id: clientId, version: v.param, connect: 1, ...extra });
  await waitConnected(page);
  // The message list is its own screen; Monitor (the topic tree) opens first.
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  return { page, clientId };
}

/** Fills the connection form and clicks Connect (for the password-protected listener). */
async function connectWithForm(page, { url, clientId, username, password, version, keepAlive }) {
  await page.getByLabel('Broker URL', { exact: true }).fill(url);
  await page.getByLabel('Client ID', { exact: true }).fill(clientId);
  await page.getByLabel('MQTT version').selectOption(version.label);
  if (keepAlive !== undefined) await page.getByLabel('Keep alive', { exact: true }).fill(String(keepAlive));
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

function subscriptionItem(page, filter) {
  return page
    .getByRole('list', { name: 'Subscriptions', exact: true })
    .getByRole('listitem')
    .filter({ hasText: filter });
}

async function subscribe(page, filter, qos) {
  await page.getByLabel('Topic filter', { exact: true }).fill(filter);
  await page.getByLabel('Subscribe QoS').selectOption(String(qos));
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  // Shown only after the SUBACK, so the broker routes anything published from here on.
  await waitFor(
    page,
    subscriptionItem(page, filter).filter({ hasText: `granted QoS ${qos}` }).first(),
    `subscription ${filter} "granted QoS ${qos}"`,
  );
}

async function publish(page, { topic, payload, qos, retain = false }) {
  await page.getByLabel('Topic', { exact: true }).fill(topic);
  await page.getByLabel('Payload', { exact: true }).fill(payload);
  await page.getByLabel('Publish QoS').selectOption(String(qos));
  await page.getByLabel('Retain', { exact: true }).setChecked(retain);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
}

function messageItems(page, topic) {
  return page
    .getByRole('list', { name: 'Messages', exact: true })
    .locator('li.message')
    .filter({ has: page.locator('.topic').filter({ hasText: exactText(topic) }) });
}

/** Count of refused CONNECTs in the broker log (3.1.1 code 5, v5 reasons 0x86 and 0x87). */
const refusals = (log) => (log.match(/Sending CONNACK to \S+ \(0, (5|134|135)\)/g) || []).length;

// ------------------------------------------------------------------ specs

for (const v of VERSIONS) {
  test(`${v.name}: connect=1 in the query connects`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { clientId } = await connectedApp(t, v);
    // Proves the version parameter reached the wire, not just that some connection was made.
    const line = await h.waitForLog((log) => log.split('\n').find((l) => l.includes(` as ${clientId} (`)), {
      what: `broker log line for ${clientId}`,
    });
    assert.match(line, new RegExp(`\\(${v.logTag}, `), `broker saw the wrong protocol version: ${line}`);
  });

  test(`${v.name}: subscribe through the form shows the granted QoS`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, clientId } = await connectedApp(t, v);
    const filter = `deck/${h.uid()}/#`;
    await subscribe(page, filter, 1);
    // mosquitto logs "<client id> <qos> <filter>" for each subscription it accepts.
    await h.waitForLog((log) => log.includes(`${clientId} 1 ${filter}`), { what: `SUBSCRIBE ${filter} at QoS 1` });
  });

  test(`${v.name}: a message from mosquitto_pub shows topic and payload`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { page } = await connectedApp(t, v);
    const base = `deck/${h.uid()}`;
    await subscribe(page, `${base}/#`, 1);
    const topic = `${base}/a`;
    await h.mosquittoPub(['-t', topic, '-m', 'hello', '-q', '1']);
    const item = messageItems(page, topic);
    await waitFor(page, item.first(), `message on ${topic}`);
    assert.equal((await item.locator('.payload').innerText()).trim(), 'hello');
    const text = await item.innerText();
    assert.match(text, /QoS 1/);
    assert.match(text, /\bReceived\b/);
    assert.doesNotMatch(text, /\bRetained\b/);
    assert.equal(await item.count(), 1, 'message shown more than once');
  });

  for (const qos of [1, 2]) {
    test(`${v.name}: a QoS ${qos} publish from the UI reaches mosquitto_sub and is acknowledged`, { timeout: TEST_TIMEOUT }, async (t) => {
      const { page, clientId } = await connectedApp(t, v);
      const topic = `deck/${h.uid()}/out`;
      const payload = `from the deck at QoS ${qos}`;
      const sub = h.mosquittoSub(['-t', topic, '-q', '2', '-v'], { count: 1, timeout: 15 });
      t.after(() => sub.kill());
      await sub.ready;
      await publish(page, { topic, payload, qos });
      assert.deepEqual(await sub.done, [`${topic} ${payload}`]);
      const item = messageItems(page, topic).filter({ hasText: /\bPublished\b/ });
      await waitFor(page, item.filter({ hasText: /\bAcknowledged\b/ }).first(), `"Acknowledged" on the published item`);
      assert.match(await item.first().innerText(), new RegExp(`QoS ${qos}`));
      await h.waitForLog((log) => log.includes(`Received PUBLISH from ${clientId} (d0, q${qos}, r0,`), {
        what: `PUBLISH from ${clientId} at QoS ${qos} without retain`,
      });
    });
  }

  test(`${v.name}: a QoS 2 message from the broker arrives as QoS 2`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { page } = await connectedApp(t, v);
    const base = `deck/${h.uid()}`;
    await subscribe(page, `${base}/#`, 2);
    const topic = `${base}/q2`;
    await h.mosquittoPub(['-t', topic, '-m', 'exactly once', '-q', '2']);
    const item = messageItems(page, topic);
    await waitFor(page, item.first(), `message on ${topic}`);
    const text = await item.innerText();
    assert.match(text, /QoS 2/);
    assert.match(text, /exactly once/);
  });

  test(`${v.name}: a retained message is marked "Retained", a live one is not`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { page } = await connectedApp(t, v);
    const base = `deck/${h.uid()}`;
    const kept = `${base}/kept`;
    // Registered first so the retained message is cleared even when an assertion fails.
    t.after(() => h.mosquittoPub(['-t', kept, '-r', '-n', '-q', '1']));
    // QoS 1 so mosquitto_pub only returns once the broker has stored it.
    await h.mosquittoPub(['-t', kept, '-m', 'stored', '-r', '-q', '1']);
    await subscribe(page, `${base}/#`, 1);
    const item = messageItems(page, kept);
    await waitFor(page, item.filter({ hasText: /\bRetained\b/ }).first(), `"Retained" on ${kept}`);
    assert.match(await item.first().innerText(), /stored/);

    const live = `${base}/live`;
    await h.mosquittoPub(['-t', live, '-m', 'now', '-q', '1']);
    const liveItem = messageItems(page, live);
    await waitFor(page, liveItem.first(), `message on ${live}`);
    assert.doesNotMatch(await liveItem.innerText(), /\bRetained\b/);
  });

  test(`${v.name}: a binary payload is shown as hex`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { page } = await connectedApp(t, v);
    const base = `deck/${h.uid()}`;
    await subscribe(page, `${base}/#`, 1);
    const topic = `${base}/bin`;
    await h.mosquittoPub(['-t', topic, '-s', '-q', '1'], { input: Buffer.from([0xde, 0xad, 0xbe, 0xef]) });
    const item = messageItems(page, topic);
    await waitFor(page, item.first(), `message on ${topic}`);
    assert.match(await item.locator('.payload').innerText(), /\bde ad be ef\b/);
    assert.match(await item.innerText(), /\bhex\b/);
  });

  test(`${v.name}: a wrong password shows "Not authorized" and is not retried`, { timeout: TEST_TIMEOUT }, async (t) => {
    const before = refusals(h.brokerLog());
    const page = await openApp(t, {});
    await connectWithForm(page, {
      url: h.WS_AUTH_URL,
      clientId: h.uid('deck-bad-'),
      username: 'deck',
      password: 'wrong',
      version: v,
    });
    await waitStatus(page, 'Not authorized');
    await h.waitForLog((log) => refusals(log) >= before + 1, { what: 'the refused CONNECT' });

    // Proving that something does not happen needs a window long enough for a typical retry
    // backoff (a few seconds), measured by events rather than a sleep. Refused attempts carry no
    // client id in mosquitto's log, so the window is a correct login from another page with a
    // 1 s keep alive: the broker drops a client silent for 1.5 keep-alives, so its third PINGREQ
    // is due within ~4.5 s of connecting and cannot come earlier than ~3 s.
    const other = await openApp(t, {});
    const goodId = h.uid('deck-good-');
    await connectWithForm(other, {
      url: h.WS_AUTH_URL,
      clientId: goodId,
      username: 'deck',
      password: 'secret',
      version: v,
      keepAlive: 1,
    });
    await waitConnected(other);
    await h.waitForLog((log) => log.includes(` as ${goodId} (p`), { what: `connection of ${goodId}` });
    await h.waitForLog((log) => log.split(`Received PINGREQ from ${goodId}\n`).length > 3, {
      timeout: 20_000,
      what: `three keep-alive PINGREQs from ${goodId} (keep alive 1 s)`,
    });

    assert.equal(refusals(h.brokerLog()) - before, 1, 'the app retried a connection the broker refused');
    const text = await status(page).first().textContent();
    assert.match(text, /Not authorized/);
    assert.doesNotMatch(text, /Reconnecting|Connecting/);
  });

  test(`${v.name}: the right password connects to the protected listener`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await openApp(t, {});
    const clientId = h.uid('deck-auth-');
    await connectWithForm(page, { url: h.WS_AUTH_URL, clientId, username: 'deck', password: 'secret', version: v });
    await waitConnected(page);
    const line = await h.waitForLog((log) => log.split('\n').find((l) => l.includes(` as ${clientId} (`)), {
      what: `connection of ${clientId}`,
    });
    assert.match(line, /u'deck'/);
    assert.match(line, new RegExp(`\\(${v.logTag}, `));
  });
}

test('an invalid topic filter shows an alert and adds no subscription', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, clientId } = await connectedApp(t, VERSIONS[1]);
  await page.getByLabel('Topic filter', { exact: true }).fill('a/#/b');
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await waitFor(page, page.getByRole('alert').filter({ hasText: /\S/ }).first(), 'an alert about the filter');
  assert.equal(await subscriptionItem(page, 'a/#/b').count(), 0, 'invalid filter was added');

  // A valid subscription afterwards is a round trip through the broker: had the invalid filter
  // been sent, it would have been listed or got the client disconnected by then.
  const good = `deck/${h.uid()}/ok`;
  await subscribe(page, good, 0);
  assert.equal(await subscriptionItem(page, 'a/#/b').count(), 0, 'invalid filter was added');
  assert.match(await status(page).first().textContent(), CONNECTED);
  assert.doesNotMatch(h.brokerLog(), new RegExp(`${reEscape(clientId)} \\d+ a/#/b`));
});

test('a connect=1 link connects over the one socket index.html opened while the app loaded', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.addInitScript(() => {
    const WS = window.WebSocket;
    window.__sockets = 0;
    window.WebSocket = class extends WS {
      constructor(...args) {
        super(...args);
        window.__sockets += 1;
      }
    };
  });
  const clientId = h.uid('deck-early-');
  await page.goto(h.appUrl({ client_id: clientId, version: '5', connect: 1 }));
  await waitConnected(page);
  // A second socket would mean the handshake started while loading was thrown away.
  assert.equal(await page.evaluate(() => window.__sockets), 1, 'sockets the page opened');
  const connects = (h.brokerLog().match(new RegExp(` as ${reEscape(clientId)} \\(`, 'g')) || []).length;
  assert.equal(connects, 1, 'CONNECTs the broker saw from this client');
});

test('the release build arrives gzip-compressed from its .gz twins and runs', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  const sent = new Map();
  page.on('response', async (r) => {
    const name = new URL(r.url()).pathname.split('/').pop();
    if (/\.(wasm|js|css)$/.test(name)) sent.set(name.split('.').pop(), (await r.allHeaders())['content-encoding']);
  });
  await page.goto(h.appUrl({ client_id: h.uid('deck-gz-'), connect: 1 }));
  await waitConnected(page);
  // A twin that is missing or corrupt would show here as plain bytes or as an app that never starts.
  assert.deepEqual(Object.fromEntries(sent), { wasm: 'gzip', js: 'gzip', css: 'gzip' });
});

test('a connect=1 link to a port where nothing listens says the broker could not be reached', { timeout: TEST_TIMEOUT }, async (t) => {
  // The socket index.html opened has failed before the app adopts it; the app's own attempt
  // must still produce the message.
  const port = await h.closedPort();
  const url = `ws://127.0.0.1:${port}/`;
  const page = await openApp(t, { url, client_id: h.uid('deck-'), connect: 1 });
  await waitStatus(page, new RegExp(`Could not reach the broker at ${reEscape(url)}`), 'status "Could not reach the broker"');
  // The browser logs each refused socket to the console itself; nothing may be thrown.
  assert.deepEqual(page.errors.filter((e) => e.startsWith('pageerror')), []);
});

test('while reconnecting, the time to the next attempt counts down beside the status', { timeout: TEST_TIMEOUT }, async (t) => {
  const url = `ws://127.0.0.1:${await h.closedPort()}/`;
  const page = await openApp(t, { url, client_id: h.uid('deck-'), connect: 1 });
  await waitStatus(page, /^Reconnecting (in \d+ s|now) \(Could not reach/, 'status "Reconnecting in N s (Could not reach …)"');
  const timer = page.getByRole('timer', { name: 'Next reconnect attempt' });
  // Backoff doubles per failed attempt, so a wait of two seconds or more comes within a few tries.
  const long = await page.waitForFunction(
    () => {
      const m = document.querySelector('[role=timer]')?.textContent.match(/^in (\d+) s$/);
      return m && Number(m[1]) >= 2 ? Number(m[1]) : null;
    },
    null,
    { timeout: 20_000 },
  );
  const n = await long.jsonValue();
  await waitFor(page, timer.filter({ hasText: new RegExp(`^in ${n - 1} s$`) }), `countdown "in ${n - 1} s" after "in ${n} s"`, 3000);
  // The ticking seconds sit in the status sentence but in a silent region of their own.
  assert.equal(await timer.getAttribute('aria-live'), 'off');
  assert.match(await status(page).first().textContent(), /^Reconnecting (in \d+ s|now) \(Could not reach/);
});

test('the Theme control switches light and dark, outlives a reload, and Auto follows the system', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(h.appUrl({}));
  const theme = page.getByLabel('Theme', { exact: true });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const DARK = 'rgb(17, 19, 24)';
  const LIGHT = 'rgb(246, 247, 249)';
  await waitFor(page, theme, 'the Theme control');
  assert.equal(await background(), DARK, 'Auto follows the system (dark)');

  await theme.selectOption('Light');
  assert.equal(await background(), LIGHT, 'Light overrides a dark system');
  await page.reload();
  // Applied by index.html before the app runs, then shown by the control.
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await waitFor(page, theme, 'the Theme control after reload');
  assert.equal(await theme.inputValue(), 'light');
  assert.equal(await background(), LIGHT);

  await page.emulateMedia({ colorScheme: 'light' });
  await theme.selectOption('Dark');
  assert.equal(await background(), DARK, 'Dark overrides a light system');
  await theme.selectOption('Auto');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);
  assert.equal(await background(), LIGHT, 'Auto follows the system (light)');
});
