// The app at its default settings (MQTT 5.0) against brokers that cannot take all of it: aedes
// (npm), amqtt (PyPI) and RabbitMQ's Web MQTT plugin (Debian), which speak only 3.1.1, and a
// Mosquitto that keeps no retained messages and caps QoS at 1. A new user presses nothing but
// Connect (here: a connect=1 link) and must never land in a reconnect loop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import * as h from './harness.mjs';
import { startAedes, startAmqtt, startMosquitto, startRabbit } from './brokers.mjs';

const T = 15_000;
const TEST_TIMEOUT = 60_000;
const PORTS = {
  aedes: h.BASE + 10,
  tcp: h.BASE + 11,
  noRetain: h.BASE + 12,
  amqtt: { tcpPort: h.BASE + 13, wsPort: h.BASE + 14 },
  rabbit: { amqpPort: h.BASE + 15, mqttPort: h.BASE + 16, wsPort: h.BASE + 17, distPort: h.BASE + 18 },
};
const FALLBACK = /Connected with MQTT 3\.1\.1 as \S+: this broker does not speak 5\.0/;

let browser;
let aedes;
let amqtt;
let rabbit;

before(async () => {
  // RabbitMQ boots slowly: once per run, while the others start.
  const booting = startRabbit(PORTS.rabbit);
  booting.catch(() => {});
  aedes = await startAedes(PORTS.aedes);
  amqtt = await startAmqtt(PORTS.amqtt);
  await h.serveDist();
  browser = await h.launchBrowser();
  rabbit = await booting;
});

after(async () => {
  await browser?.close();
  await h.stopServing();
  await aedes?.close();
  await amqtt?.close();
  await rabbit?.close();
});

async function openApp(t, context, params) {
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(h.appUrl(params));
  return page;
}

async function statusText(page) {
  return (await page.getByRole('status').first().textContent()) ?? '';
}

async function waitStatus(page, re, what) {
  try {
    await page.getByRole('status').filter({ hasText: re }).first().waitFor({ timeout: T });
  } catch (e) {
    throw new Error(`waiting for ${what}: status is ${JSON.stringify(await statusText(page))}\n${page.errors.join('\n')}`);
  }
}

test('aedes (3.1.1 only) at the default settings: one fallback, said in the status, remembered after a reload', { timeout: TEST_TIMEOUT }, async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const topic = `deck/${h.uid()}/hello`;
  const page = await openApp(t, context, { url: aedes.url, sub: topic, connect: 1 });
  await waitStatus(page, FALLBACK, 'the fallback notice');
  assert.deepEqual(aedes.protocolLevels, [5, 4], 'one 5.0 CONNECT, then one 3.1.1 CONNECT');

  // The connection works: a subscription is granted and a message arrives.
  await page
    .getByRole('list', { name: 'Subscriptions', exact: true })
    .getByRole('listitem')
    .filter({ hasText: topic })
    .filter({ hasText: 'granted QoS 0' })
    .first()
    .waitFor();
  const publisher = await mqtt.connectAsync(aedes.url, { protocolVersion: 4 });
  t.after(() => publisher.endAsync());
  await publisher.publishAsync(topic, 'from aedes');
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await page
    .getByRole('list', { name: 'Messages', exact: true })
    .locator('li.message')
    .filter({ hasText: 'from aedes' })
    .first()
    .waitFor();

  // A reload goes straight to 3.1.1: no 5.0 CONNECT is refused a second time.
  const levels = aedes.protocolLevels.length;
  await page.reload();
  await waitStatus(page, FALLBACK, 'the fallback notice after a reload');
  assert.deepEqual(aedes.protocolLevels.slice(levels).filter((l) => l !== 4 && l !== undefined), []);
  assert.equal(aedes.protocolLevels.length, levels + 1, 'the reload sent exactly one CONNECT');
  assert.deepEqual(page.errors, []);
});

// Each broker as its own publisher sees it: an MQTT.js client over plain MQTT 3.1.1.
const THREE_ONE_ONE = [
  { name: 'aedes', broker: () => aedes, tcpUrl: () => aedes.url },
  { name: 'amqtt', broker: () => amqtt, tcpUrl: () => amqtt.tcpUrl },
  { name: 'RabbitMQ Web MQTT', broker: () => rabbit, tcpUrl: () => rabbit.tcpUrl },
];

for (const b of THREE_ONE_ONE) {
  test(`${b.name} at the default settings: connects with the fallback, receives, publishes at QoS 1`, { timeout: TEST_TIMEOUT }, async (t) => {
    const context = await browser.newContext();
    t.after(() => context.close());
    const base = `deck/${h.uid()}`;
    const page = await openApp(t, context, { url: b.broker().url, sub: `${base}/#`, sub_qos: 1, connect: 1 });
    await waitStatus(page, FALLBACK, 'the fallback notice');
    await page
      .getByRole('list', { name: 'Subscriptions', exact: true })
      .getByRole('listitem')
      .filter({ hasText: `${base}/#` })
      .filter({ hasText: /granted QoS 1/ })
      .first()
      .waitFor();
    const peer = await mqtt.connectAsync(b.tcpUrl(), { protocolVersion: 4 });
    t.after(() => peer.endAsync());
    await peer.publishAsync(`${base}/in`, `hello from ${b.name}`, { qos: 1 });
    await page.getByRole('tab', { name: 'Messages', exact: true }).click();
    const list = page.getByRole('list', { name: 'Messages', exact: true }).locator('li.message');
    await list.filter({ hasText: `hello from ${b.name}` }).first().waitFor();

    await page.getByLabel('Topic', { exact: true }).fill(`${base}/out`);
    await page.getByLabel('Payload', { exact: true }).fill('from the deck');
    await page.getByLabel('Publish QoS').selectOption('1');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await list.filter({ hasText: /\bPublished\b/ }).filter({ hasText: /\bAcknowledged\b/ }).first().waitFor();
    assert.match(await statusText(page), FALLBACK, 'still connected, no reconnect');
    assert.deepEqual(page.errors, []);
  });
}

test('a Mosquitto without retained messages and with max_qos 1: the publish form says why, the link stays up', { timeout: TEST_TIMEOUT }, async (t) => {
  const mosq = await startMosquitto({
    globalLines: ['retain_available false'],
    tcpPort: PORTS.tcp,
    listeners: [{ port: PORTS.noRetain, lines: ['max_qos 1'] }],
  });
  t.after(() => mosq.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const clientId = h.uid('deck-');
  const page = await openApp(t, context, { url: `ws://127.0.0.1:${PORTS.noRetain}`, client_id: clientId, connect: 1 });
  await waitStatus(page, /\bConnected as\b/, 'connected at 5.0');
  const connects = () => (mosq.log().match(new RegExp(`New client connected from \\S+ as ${clientId}`, 'g')) || []).length;
  assert.equal(connects(), 1);

  const form = page.getByRole('form', { name: 'Publish' });
  const alert = form.getByRole('alert');
  await page.getByLabel('Topic', { exact: true }).fill(`deck/${h.uid()}/lamp`);
  await page.getByLabel('Payload', { exact: true }).fill('on');

  await page.getByLabel('Retain', { exact: true }).setChecked(true);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await alert.filter({ hasText: /does not keep retained messages/ }).waitFor();

  await page.getByLabel('Retain', { exact: true }).setChecked(false);
  await page.getByLabel('Publish QoS').selectOption('2');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await alert.filter({ hasText: /at most QoS 1/ }).waitFor();

  // QoS 1 without retain goes through and is acknowledged on the same connection.
  await page.getByLabel('Publish QoS').selectOption('1');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await page
    .getByRole('list', { name: 'Messages', exact: true })
    .locator('li.message')
    .filter({ hasText: /\bAcknowledged\b/ })
    .first()
    .waitFor();
  assert.match(await statusText(page), /\bConnected as\b/);
  assert.equal(connects(), 1, 'the broker saw no reconnect');
  assert.doesNotMatch(mosq.log(), /disconnected, not authorised|Client \S+ disconnected due to protocol error/);
  assert.deepEqual(page.errors, []);
});
