// MQTT 5 against Mosquitto 2, both ways: properties from mosquitto_pub shown in the topic
// detail and found by the Messages filter, properties typed in the publish form seen by
// mosquitto_sub, No Local, and Retain Handling "never".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import * as h from './harness.mjs';

const T = 15_000;
const TEST_TIMEOUT = 60_000;

let env;

before(async () => {
  env = await h.setup({ logTypes: h.DEBUG_LOG_TYPES });
});

after(async () => {
  await h.teardown(env?.browser);
});

async function pageState(page) {
  const status = await page.getByRole('status').first().textContent({ timeout: 1000 }).catch(() => '?');
  return `status: ${JSON.stringify(status)}\npage errors:\n${page.errors.join('\n') || '(none)'}`;
}

async function waitFor(page, locator, what) {
  try {
    await locator.waitFor({ timeout: T });
  } catch (e) {
    throw new Error(`waiting for ${what}: ${e.message.split('\n')[0]}\n${await pageState(page)}`);
  }
}

/** The app at its default version (5.0), connected by link, subscribed to `sub` if given. */
async function connected(t, params = {}) {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.goto(h.appUrl({ client_id: h.uid('deck-'), connect: 1, ...params }));
  await waitFor(page, page.getByRole('button', { name: 'Disconnect', exact: true }), 'connected');
  return page;
}

async function waitGranted(page, filter) {
  await waitFor(
    page,
    page.getByRole('list', { name: 'Subscriptions', exact: true }).getByRole('listitem').filter({ hasText: filter }).filter({ hasText: /granted QoS/ }).first(),
    `subscription ${filter} granted`,
  );
}

const messages = (page) => page.getByRole('list', { name: 'Messages', exact: true }).locator('li.message');

test('properties from mosquitto_pub are shown in the topic detail and found by the Messages filter', { timeout: TEST_TIMEOUT }, async (t) => {
  // One level, so the topic is a root of the tree and can be clicked at once.
  const topic = `d5-${h.uid()}`;
  const page = await connected(t, { sub: topic });
  await waitGranted(page, topic);
  await h.mosquittoPub([
    '-V', 'mqttv5', '-t', topic, '-m', '21.5',
    '-D', 'publish', 'user-property', 'room', 'kitchen',
    '-D', 'publish', 'user-property', 'room', 'hall',
    '-D', 'publish', 'content-type', 'text/plain',
    '-D', 'publish', 'response-topic', `${topic}/reply`,
  ]);
  const node = page.getByRole('list', { name: 'Topics', exact: true }).getByRole('button', { name: `Topic ${topic}`, exact: true });
  await waitFor(page, node, `tree node ${topic}`);
  await node.click();
  const table = page.getByRole('table', { name: 'Message properties' });
  await waitFor(page, table, 'the properties table');
  const rows = await table.getByRole('row').allInnerTexts();
  const flat = rows.map((r) => r.replace(/\s+/g, ' ').trim());
  assert.ok(flat.includes('Content type text/plain'), flat.join('\n'));
  assert.ok(flat.includes(`Response topic ${topic}/reply`), flat.join('\n'));
  // User properties in order, the repeated key kept.
  assert.deepEqual(flat.filter((r) => r.startsWith('User property')), ['User property room = kitchen', 'User property room = hall']);

  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await page.getByLabel('Payload contains', { exact: true }).fill('KITCHEN');
  const row = messages(page).filter({ hasText: topic }).first();
  await waitFor(page, row, 'the message found by its user property');
  // The row says how many properties the message has and names them to screen readers.
  const badge = row.getByText('4 properties', { exact: true });
  assert.match(await badge.getAttribute('aria-label'), /User property: room = kitchen; User property: room = hall/);
  assert.deepEqual(page.errors, []);
});

test('properties typed in the publish form reach mosquitto_sub', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await connected(t);
  const topic = `deck/${h.uid()}/cmd`;
  const sub = h.mosquittoSub(['-V', 'mqttv5', '-t', topic, '-F', '%t|%p|%C|%R|%P|%E'], { count: 1, timeout: 15 });
  t.after(() => sub.kill?.());
  await sub.ready;
  await page.getByLabel('Topic', { exact: true }).fill(topic);
  await page.getByLabel('Payload', { exact: true }).fill('{"on":true}');
  await page.getByText('MQTT 5 properties', { exact: true }).click();
  await page.getByLabel('Content type', { exact: true }).fill('application/json');
  await page.getByLabel('Response topic', { exact: true }).fill(`${topic}/reply`);
  await page.getByLabel('Message expiry (seconds)', { exact: true }).fill('120');
  await page.getByRole('button', { name: 'Add user property', exact: true }).click();
  await page.getByLabel('User property 1 key', { exact: true }).fill('source');
  await page.getByLabel('User property 1 value', { exact: true }).fill('deck');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  const [line] = await sub.done;
  const [gotTopic, payload, contentType, response, user, expiry] = line.split('|');
  assert.equal(gotTopic, topic);
  assert.equal(payload, '{"on":true}');
  assert.equal(contentType, 'application/json');
  assert.equal(response, `${topic}/reply`);
  assert.equal(user, 'source:deck');
  // The broker counts the expiry down while the message waits: at most what was sent.
  assert.ok(Number(expiry) > 0 && Number(expiry) <= 120, `expiry ${expiry}`);
  assert.deepEqual(page.errors, []);
});

test('No Local keeps the app\'s own publish from coming back; others still arrive', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await connected(t);
  const topic = `deck/${h.uid()}/nl`;
  await page.getByLabel('Topic filter', { exact: true }).fill(topic);
  await page.getByText('MQTT 5 options', { exact: true }).click();
  await page.getByLabel('No Local (not my own messages)', { exact: true }).check();
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await waitGranted(page, topic);

  await page.getByLabel('Topic', { exact: true }).fill(topic);
  await page.getByLabel('Payload', { exact: true }).fill('mine');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  // Then a message from someone else: once it is in, ours would have been before it.
  await h.mosquittoPub(['-t', topic, '-m', 'theirs']);
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await waitFor(page, messages(page).filter({ hasText: 'theirs' }).first(), 'the other client\'s message');
  const received = messages(page).filter({ hasText: /\bReceived\b/ });
  assert.deepEqual(await received.locator('.payload').allInnerTexts(), ['theirs']);
});

test('Retain Handling "never" gets no retained message; the default gets it', { timeout: TEST_TIMEOUT }, async (t) => {
  const topic = `deck/${h.uid()}/rh`;
  await h.mosquittoPub(['-t', topic, '-m', 'kept', '-r']);
  t.after(() => h.mosquittoPub(['-t', topic, '-n', '-r']));
  const page = await connected(t);
  await page.getByLabel('Topic filter', { exact: true }).fill(topic);
  await page.getByText('MQTT 5 options', { exact: true }).click();
  await page.getByLabel('Retain handling').selectOption('2');
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await waitGranted(page, topic);
  // A second filter that matches the same topic with the default handling: its retained copy
  // arriving proves the broker had it to send, and the first one asked not to get it.
  await page.getByLabel('Retain handling').selectOption('0');
  await page.getByLabel('Topic filter', { exact: true }).fill(`${topic.split('/').slice(0, 2).join('/')}/+`);
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await waitFor(page, messages(page).filter({ hasText: 'kept' }).first(), 'the retained message via the second filter');
  assert.equal(await messages(page).filter({ hasText: 'kept' }).count(), 1, 'the retained message came twice');
});

test('a request with a response topic is answered: the response is paired with it and its round trip shown', { timeout: TEST_TIMEOUT }, async (t) => {
  const base = `deck/${h.uid()}`;
  // The service: answers every request on its response topic with the same correlation data.
  const service = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.PORTS.mqtt}`, { protocolVersion: 5 });
  t.after(() => service.endAsync());
  await service.subscribeAsync(`${base}/get`);
  service.on('message', (_topic, _payload, packet) => {
    const p = packet.properties || {};
    service.publish(p.responseTopic, 'state: on', { properties: { correlationData: p.correlationData } });
  });
  const page = await connected(t);
  await page.getByLabel('Topic', { exact: true }).fill(`${base}/get`);
  await page.getByLabel('Payload', { exact: true }).fill('?');
  await page.getByText('MQTT 5 properties', { exact: true }).click();
  await page.getByLabel('Response topic', { exact: true }).fill(`${base}/reply`);
  await page.getByLabel('Correlation data', { exact: true }).fill('req-7');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  // The app subscribed to the response topic for the user.
  await waitGranted(page, `${base}/reply`);
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  const response = messages(page).filter({ hasText: 'state: on' });
  await waitFor(page, response.filter({ hasText: /Response after \d+ ms/ }).first(), 'the paired response');
  const request = messages(page).filter({ hasText: /\bPublished\b/ }).filter({ hasText: `${base}/get` });
  await waitFor(page, request.filter({ hasText: /Answered in \d+ ms/ }).first(), 'the request marked answered');
  assert.deepEqual(page.errors, []);
});

test('a will set under Advanced, with its properties, is published by "Disconnect with will"', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.goto(h.appUrl({ client_id: h.uid('deck-') }));
  const topic = `deck/${h.uid()}/status`;
  await page.getByText('Advanced', { exact: true }).click();
  await page.getByLabel('Will topic', { exact: true }).fill(topic);
  await page.getByLabel('Will payload', { exact: true }).fill('offline');
  await page.getByLabel('Will content type', { exact: true }).fill('text/plain');
  await page.getByLabel('Will expiry (seconds)', { exact: true }).fill('300');
  await page.getByRole('button', { name: 'Add connect user property', exact: true }).click();
  await page.getByLabel('Connect user property 1 key', { exact: true }).fill('device');
  await page.getByLabel('Connect user property 1 value', { exact: true }).fill('tablet');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitFor(page, page.getByRole('button', { name: 'Disconnect', exact: true }), 'connected');
  const sub = h.mosquittoSub(['-V', 'mqttv5', '-t', topic, '-F', '%t|%p|%C'], { count: 1, timeout: 15 });
  t.after(() => sub.kill?.());
  await sub.ready;
  await page.getByRole('button', { name: 'Disconnect with will', exact: true }).click();
  assert.deepEqual(await sub.done, [`${topic}|offline|text/plain`]);
  await waitFor(page, page.getByRole('button', { name: 'Connect', exact: true }), 'disconnected');
  // A plain Disconnect would not have published it: the broker says the client left with its will.
  await h.waitForLog((log) => /Received DISCONNECT from deck-/.test(log), { what: 'the DISCONNECT in the broker log' });
  assert.deepEqual(page.errors, []);
});
