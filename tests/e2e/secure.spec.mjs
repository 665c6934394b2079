// TLS, pages over https and ACLs against a real Mosquitto: a wss listener whose certificate
// Chromium does not trust says what to do; a page served over https refuses a ws:// broker
// before trying (except on this machine); a user allowed to read home/# and to write only
// home/+/set sees each refusal where it happened, in MQTT 3.1.1 and 5.0. Mosquitto's acl_file
// never refuses a subscription (it only withholds deliveries), so the refused subscription is
// shown by a second Mosquitto whose dynamic security plugin holds the same rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';
import { startMosquitto } from './brokers.mjs';
import { serve } from './serve.mjs';
import { makeServerCert, trustFlag, wssLines } from './tls.mjs';

const T = 15_000;
const TEST_TIMEOUT = 60_000;
const PORTS = { tcp: h.BASE + 40, ws: h.BASE + 41, untrusted: h.BASE + 42, dynTcp: h.BASE + 43, dynWs: h.BASE + 44 };

let browser;
let mosq;
let dynsec;
let trusted;
let untrusted;
let httpsSite;

before(async () => {
  trusted = makeServerCert('MQTT Deck secure test CA');
  untrusted = makeServerCert('A CA nobody trusts');
  const passwd = path.join(trusted.dir, 'passwd');
  fs.writeFileSync(passwd, '');
  execFileSync('mosquitto_passwd', ['-b', passwd, 'deck', 'secret']);
  const acl = path.join(trusted.dir, 'acl');
  // Lines before any "user" apply to anonymous clients.
  fs.writeFileSync(acl, ['topic readwrite #', '', 'user deck', 'topic read home/#', 'topic write home/+/set', ''].join('\n'));
  for (const f of [passwd, acl]) fs.chmodSync(f, 0o644);
  mosq = await startMosquitto({
    globalLines: [`password_file ${passwd}`, `acl_file ${acl}`],
    tcpPort: PORTS.tcp,
    listeners: [{ port: PORTS.ws }, { port: PORTS.untrusted, lines: wssLines(untrusted) }],
  });
  dynsec = await startDynsecMosquitto(trusted.dir);
  await h.serveDist();
  httpsSite = await serve(h.DIST, 0, { tls: { cert: fs.readFileSync(trusted.cert), key: fs.readFileSync(trusted.key) } });
  browser = await h.launchBrowser({ extraArgs: [trustFlag(trusted)] });
});

after(async () => {
  await browser?.close();
  await h.stopServing();
  await httpsSite?.close();
  await mosq?.close();
  await dynsec?.close();
  trusted?.remove();
  untrusted?.remove();
});

/**
 * Mosquitto with its dynamic security plugin: the user deck / secret may subscribe to and
 * receive home/# and send to home/+/set only. The plugin's file starts as `mosquitto_ctrl
 * dynsec init` writes it (which hashes the password), with the admin role swapped for ours.
 */
async function startDynsecMosquitto(dir) {
  const lib = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']
    .map((d) => path.join(d, 'mosquitto_dynamic_security.so'))
    .find((f) => fs.existsSync(f));
  assert.ok(lib, 'mosquitto_dynamic_security.so (Debian\'s mosquitto package) not found');
  const conf = path.join(dir, 'dynsec', 'dynamic-security.json');
  fs.mkdirSync(path.dirname(conf), { mode: 0o777 });
  fs.chmodSync(path.dirname(conf), 0o777);
  execFileSync('mosquitto_ctrl', ['dynsec', 'init', conf, 'deck', 'secret'], { stdio: 'ignore' });
  const json = JSON.parse(fs.readFileSync(conf, 'utf8'));
  const allow = (acltype, topic) => ({ acltype, topic, allow: true });
  json.roles = [
    {
      rolename: 'home',
      acls: [allow('subscribePattern', 'home/#'), allow('publishClientReceive', 'home/#'), allow('publishClientSend', 'home/+/set')],
    },
  ];
  json.clients[0].roles = [{ rolename: 'home' }];
  fs.writeFileSync(conf, JSON.stringify(json));
  fs.chmodSync(conf, 0o666);
  return startMosquitto({
    globalLines: [`plugin ${lib}`, `plugin_opt_config_file ${conf}`],
    tcpPort: PORTS.dynTcp,
    listeners: [{ port: PORTS.dynWs }],
  });
}

async function newPage(t) {
  const page = await h.newPage(browser, { timeout: T });
  t.after(() => page.context().close());
  return page;
}

async function statusText(page) {
  return (await page.getByRole('status').first().textContent()) ?? '';
}

async function waitFor(page, locator, what) {
  try {
    await locator.waitFor({ timeout: T });
  } catch {
    throw new Error(`waiting for ${what}: status is ${JSON.stringify(await statusText(page))}\n${page.errors.join('\n')}`);
  }
}

/** Polls this spec's Mosquitto log until it matches (the broker writes it as it goes). */
async function waitLog(re) {
  const deadline = Date.now() + T;
  while (!re.test(mosq.log())) {
    if (Date.now() > deadline) throw new Error(`the broker log never matched ${re}:\n${mosq.log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a wss broker whose certificate the browser does not trust: the status says to accept it or fix the name', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(t);
  const url = `wss://localhost:${PORTS.untrusted}`;
  await page.goto(h.appUrl({ url, connect: 1 }));
  const advice = `open https://localhost:${PORTS.untrusted}/ once in a new tab and accept it`;
  await waitFor(page, page.getByRole('status').filter({ hasText: advice }).first(), 'the certificate advice');
  assert.match(await statusText(page), /certificate is for another name, use that name/);
  // The TLS handshake failed, so the broker never saw an MQTT client (this test runs first).
  assert.doesNotMatch(mosq.log(), /New client connected/);
});

test('a page served over https refuses a ws:// broker elsewhere before trying, and still reaches one on this machine', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await newPage(t);
  const opened = [];
  page.on('websocket', (ws) => opened.push(ws.url()));
  const elsewhere = 'ws://broker.example:9001/mqtt';
  await page.goto(`${httpsSite.url}/index.html?${new URLSearchParams({ url: elsewhere, connect: '1' })}`);
  const form = page.getByRole('form', { name: 'Connection' });
  await waitFor(page, form.getByRole('alert').filter({ hasText: 'browsers then allow only wss:// brokers' }), 'the https page\'s alert');
  assert.match(await form.getByRole('alert').first().textContent(), /use the broker's wss:\/\/ address instead of ws:\/\/broker\.example:9001\/mqtt/);
  assert.match(await statusText(page), /^Disconnected/);

  // Clicking Connect says the same, and nothing is opened.
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  assert.match(await statusText(page), /^Disconnected/);
  assert.match(await form.getByRole('alert').first().textContent(), /allow only wss:\/\//);
  assert.deepEqual(opened, [], 'the page opened a socket');

  // Browsers count loopback as secure: ws:// to this machine works from an https page.
  const local = await newPage(t);
  await local.goto(`${httpsSite.url}/index.html?${new URLSearchParams({ url: `ws://127.0.0.1:${PORTS.ws}`, connect: '1' })}`);
  await waitFor(local, local.getByRole('status').filter({ hasText: /\bConnected as\b/ }).first(), 'connected over ws:// from an https page');
  assert.deepEqual([...page.errors, ...local.errors], []);
});

/** Logs in as deck with the form; resolves once connected, on the Messages screen. */
async function login(page, url, version) {
  await page.goto(h.appUrl({ url }));
  await page.getByLabel('MQTT version').selectOption(version);
  await page.getByLabel('Username', { exact: true }).fill('deck');
  await page.getByLabel('Password', { exact: true }).fill('secret');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitFor(page, page.getByRole('status').filter({ hasText: /\bConnected as\b/ }).first(), `connected to ${url} as deck`);
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
}

/** Subscribes at QoS 1 with the form; resolves with the list item's text once the broker answered. */
async function subscribe(page, filter) {
  await page.getByLabel('Topic filter', { exact: true }).fill(filter);
  await page.getByLabel('Subscribe QoS').selectOption('1');
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  const item = page
    .getByRole('list', { name: 'Subscriptions', exact: true })
    .getByRole('listitem')
    .filter({ hasText: filter })
    .filter({ hasText: /granted QoS|failed:/ })
    .first();
  await waitFor(page, item, `the broker's answer to ${filter}`);
  return item.innerText();
}

for (const v of [
  { name: 'MQTT 3.1.1', label: '3.1.1' },
  { name: 'MQTT 5.0', label: '5.0' },
]) {
  test(`${v.name}: an acl_file's refused publish shows on that message`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(t);
    await login(page, `ws://127.0.0.1:${PORTS.ws}`, v.label);
    assert.match(await subscribe(page, 'home/#'), /granted QoS 1/);

    const rows = page.getByRole('list', { name: 'Messages', exact: true }).locator('li.message');
    const publish = async (topic) => {
      await page.getByLabel('Topic', { exact: true }).fill(topic);
      await page.getByLabel('Payload', { exact: true }).fill('on');
      await page.getByLabel('Publish QoS').selectOption('1');
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
    };
    // Writable: acknowledged, and back on home/#.
    await publish('home/lamp/set');
    await waitFor(page, rows.filter({ hasText: 'home/lamp/set' }).filter({ hasText: /\bReceived\b/ }).first(), 'home/lamp/set back');
    const allowed = rows.filter({ hasText: 'home/lamp/set' }).filter({ hasText: /\bPublished\b/ }).first();
    await waitFor(page, allowed.filter({ hasText: /\bAcknowledged\b/ }), 'home/lamp/set acknowledged');
    assert.doesNotMatch(await allowed.innerText(), /not back/);

    // Not writable: 5.0 says so on the message; 3.1.1 acknowledges and drops it, and the
    // message says that nothing came back.
    await publish('home/lamp/state');
    const denied = rows.filter({ hasText: 'home/lamp/state' }).filter({ hasText: /\bPublished\b/ }).first();
    if (v.label === '3.1.1') {
      await waitFor(page, denied.filter({ hasText: 'not back on your subscription' }), 'the silent drop named');
      assert.match(await denied.innerText(), /its ACL refuses/);
    } else {
      await waitFor(page, denied.filter({ hasText: /Failed: Not authorized/ }), '"Not authorized" on the message');
    }
    await waitLog(/Denied PUBLISH from \S+ \(d0, q1, r0, m\d+, 'home\/lamp\/state'/);
    assert.equal(await rows.filter({ hasText: 'home/lamp/state' }).filter({ hasText: /\bReceived\b/ }).count(), 0);
    assert.match(await statusText(page), /\bConnected as\b/, 'no refusal dropped the link');
    assert.deepEqual(page.errors, []);
  });

  test(`${v.name}: a subscription the broker's ACL refuses shows the refusal on that filter`, { timeout: TEST_TIMEOUT }, async (t) => {
    const page = await newPage(t);
    await login(page, `ws://127.0.0.1:${PORTS.dynWs}`, v.label);
    const refused = await subscribe(page, 'office/#');
    if (v.label === '3.1.1') assert.match(refused, /failed: 0x80, refused: the broker's ACL may not allow this filter/);
    else assert.match(refused, /failed: 0x87 Not authorized/);
    assert.match(await subscribe(page, 'home/#'), /granted QoS 1/);
    assert.match(await statusText(page), /\bConnected as\b/, 'the refusal did not drop the link');
    assert.deepEqual(page.errors, []);
  });
}
