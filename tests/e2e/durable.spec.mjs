// Browser specs for what survives a reload: with clean start off, QoS 1 and QoS 2 publishes the
// broker never acknowledged (a proxy withholds its answers) are resent after the page reloads and
// delivered as their QoS promises; publishes made offline wait in the queue, survive a reload
// and go in order on connecting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { faultProxy } from './faultproxy.mjs';
import * as h from './harness.mjs';

const T = 15_000;
const CONNECTED = /\bConnected\b/;

let env;

before(async () => {
  // Debug lines: the broker log shows each PUBLISH with its DUP flag.
  env = await h.setup({ logTypes: h.DEBUG_LOG_TYPES });
});

after(async () => {
  await h.teardown(env?.browser);
});

function messageRows(page, topic) {
  return page
    .getByRole('list', { name: 'Messages', exact: true })
    .locator('li.message')
    .filter({ hasText: topic })
    .filter({ hasText: /\bPublished\b/ });
}

async function publish(page, topic, qos, payload) {
  await page.getByLabel('Topic', { exact: true }).fill(topic);
  await page.getByLabel('Payload', { exact: true }).fill(payload);
  await page.getByLabel('Publish QoS').selectOption(String(qos));
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
}

/** The stored session records of the page's origin, parsed, once `ready(records)` holds. */
async function storedOnce(page, ready) {
  for (;;) {
    const records = await page.evaluate(
      () =>
        new Promise((ok) => {
          const r = indexedDB.open('mqtt-deck', 1);
          r.onupgradeneeded = () => r.result.createObjectStore('sessions');
          r.onsuccess = () => {
            const get = r.result.transaction('sessions').objectStore('sessions').getAll();
            get.onsuccess = () => ok(get.result);
          };
        }),
    );
    const parsed = records.map((t) => JSON.parse(t));
    if (ready(parsed)) return parsed;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `sub` printed a line that matches `re`. */
async function lineSeen(sub, re) {
  while (!sub.lines.some((l) => re.test(l))) await new Promise((r) => setTimeout(r, 50));
}

for (const v of [
  { name: 'MQTT 5.0', param: '5', port: 20 },
  { name: 'MQTT 3.1.1', param: '3.1.1', port: 21 },
]) {
  test(`${v.name}: a reload with QoS 1 and QoS 2 publishes unacknowledged resumes the session and delivers each as its QoS promises`, { timeout: 60_000 }, async (t) => {
    const proxy = await faultProxy({ target: h.WS_URL, port: h.BASE + v.port });
    t.after(() => proxy.close());
    const root = h.uid('durable');
    const clientId = h.uid('deck-durable-');
    const page = await h.newPage(env.browser, { timeout: T });
    t.after(() => page.context().close());
    const params = { url: proxy.url, client_id: clientId, version: v.param };
    await page.goto(h.appUrl(params));
    await page.getByRole('checkbox', { name: 'Clean start' }).uncheck();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.locator('#connection-status').filter({ hasText: CONNECTED }).waitFor();
    await page.getByRole('tab', { name: 'Messages', exact: true }).click();

    const sub = h.mosquittoSub(['-v', '-q', '2', '-t', `${root}/#`], { count: 100, timeout: 50 });
    t.after(() => sub.kill());
    await sub.ready;

    // The broker gets both publishes; none of its answers (PUBACK, PUBREC) reaches the app.
    proxy.deafen();
    await publish(page, `${root}/one`, 1, 'at least once');
    await publish(page, `${root}/two`, 2, 'exactly once');
    await messageRows(page, `${root}/two`).filter({ hasText: /Waiting for acknowledgement/ }).waitFor();
    // The broker passes a QoS 1 message on at once; Mosquitto holds a QoS 2 one until PUBREL.
    await lineSeen(sub, new RegExp(`^${root}/one at least once$`));
    await storedOnce(page, (rs) => rs.some((r) => r.outgoing.length === 2 && r.outgoing.every((o) => o.pkid > 0)));

    // The reload: the page connects again by itself and resumes the session.
    await page.goto(h.appUrl({ ...params, connect: 1 }));
    await page.locator('#connection-status').filter({ hasText: CONNECTED }).waitFor();
    await page.getByRole('tab', { name: 'Messages', exact: true }).click();
    for (const topic of [`${root}/one`, `${root}/two`]) {
      await messageRows(page, topic).filter({ hasText: /\bAcknowledged\b/ }).waitFor();
    }
    // Resent with DUP, as the spec asks of a resumed session (same packet ids: see the native tests).
    for (const q of [1, 2]) {
      await h.waitForLog((log) => log.includes(`Received PUBLISH from ${clientId} (d1, q${q}, r0,`), {
        what: `the QoS ${q} publish resent with DUP`,
      });
    }
    // A marker after both: everything the app's publishes caused has reached the subscriber.
    await h.mosquittoPub(['-q', '1', '-t', `${root}/end`, '-m', 'marker']);
    await lineSeen(sub, /\/end marker$/);
    const lines = sub.lines.filter((l) => !l.endsWith(' marker'));
    const ones = lines.filter((l) => l === `${root}/one at least once`).length;
    const twos = lines.filter((l) => l === `${root}/two exactly once`).length;
    assert.ok(ones >= 1, `QoS 1 delivered at least once: ${lines}`);
    assert.equal(twos, 1, `QoS 2 delivered exactly once: ${lines}`);
    assert.ok(proxy.stats.links >= 2, 'the reload connected anew');
    assert.equal(await page.getByText(/no record of/).count(), 0, 'the broker session was ours');
    assert.deepEqual(page.errors, []);
  });
}

test('a QoS 2 message received before a reload and sent again after it is not delivered twice', { timeout: 60_000 }, async (t) => {
  const proxy = await faultProxy({ target: h.WS_URL, port: h.BASE + 22 });
  t.after(() => proxy.close());
  const root = h.uid('incoming');
  const clientId = h.uid('deck-incoming-');
  const page = await h.newPage(env.browser, { timeout: T });
  t.after(() => page.context().close());
  const params = { url: proxy.url, client_id: clientId };
  await page.goto(h.appUrl(params));
  await page.getByRole('checkbox', { name: 'Clean start' }).uncheck();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connection-status').filter({ hasText: CONNECTED }).waitFor();
  await page.getByRole('textbox', { name: 'Topic filter', exact: true }).fill(`${root}/#`);
  await page.getByLabel('Subscribe QoS').selectOption('2');
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await page
    .getByRole('list', { name: 'Subscriptions', exact: true })
    .getByRole('listitem')
    .filter({ hasText: 'granted QoS 2' })
    .waitFor();
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  const received = () =>
    page.getByRole('list', { name: 'Messages', exact: true }).locator('li.message').filter({ hasText: `${root}/m` });

  // The app gets the message, but its PUBREC never reaches the broker, which keeps it in flight.
  proxy.mute();
  await h.mosquittoPub(['-q', '2', '-t', `${root}/m`, '-m', 'only once']);
  await received().waitFor();
  await storedOnce(page, (rs) => rs.some((r) => r.incoming_qos2.length === 1));

  await page.goto(h.appUrl({ ...params, connect: 1 }));
  await page.locator('#connection-status').filter({ hasText: CONNECTED }).waitFor();
  // The broker sends it again (DUP) on the resumed session; the app completes the flow...
  await h.waitForLog((log) => log.includes(`Sending PUBLISH to ${clientId} (d1, q2`), { what: 'the QoS 2 message sent again' });
  await h.waitForLog((log) => log.includes(`Received PUBCOMP from ${clientId}`), { what: 'the flow completed' });
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  // ...without delivering it a second time.
  assert.equal(await received().count(), 0);
  assert.deepEqual(page.errors, []);
});

test('publishes made offline are listed as queued, survive a reload and go in order on connecting', { timeout: 60_000 }, async (t) => {
  const root = h.uid('offline');
  const clientId = h.uid('deck-offline-');
  const page = await h.newPage(env.browser, { timeout: T });
  t.after(() => page.context().close());
  await page.goto(h.appUrl({ client_id: clientId }));
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();

  // MQTT 5 properties typed offline go with the message after the reload too.
  await page.getByText('MQTT 5 properties', { exact: true }).click();
  await page.getByRole('button', { name: 'Add user property', exact: true }).click();
  await page.getByLabel('User property 1 key', { exact: true }).fill('source');
  await page.getByLabel('User property 1 value', { exact: true }).fill('deck');
  await publish(page, `${root}/a`, 1, 'first');
  await publish(page, `${root}/b`, 2, 'second');
  await messageRows(page, `${root}/b`).filter({ hasText: /Queued: sent when connected/ }).waitFor();
  assert.equal(await messageRows(page, `${root}/a`).filter({ hasText: /Queued/ }).count(), 1);
  // QoS 0 promises nothing: offline it is refused unless the setting asks to queue it.
  await publish(page, `${root}/c`, 0, 'dropped');
  await page.getByText(/not connected/i).first().waitFor();
  await storedOnce(page, (rs) => rs.some((r) => r.outgoing.length === 2));

  const sub = h.mosquittoSub(['-V', 'mqttv5', '-q', '2', '-t', `${root}/#`, '-F', '%t %p %P'], { count: 2, timeout: 30 });
  t.after(() => sub.kill());
  await sub.ready;
  await page.goto(h.appUrl({ client_id: clientId, connect: 1 }));
  await page.locator('#connection-status').filter({ hasText: CONNECTED }).waitFor();
  assert.deepEqual(await sub.done, [`${root}/a first source:deck`, `${root}/b second source:deck`]);
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await messageRows(page, `${root}/b`).filter({ hasText: /\bAcknowledged\b/ }).waitFor();
  // Sent and acknowledged: nothing is left to keep.
  await storedOnce(page, (rs) => rs.every((r) => r.outgoing.length === 0));
  assert.deepEqual(page.errors, []);
});

test('a broker session this browser has no record of is replaced by one clean start, and the app says so', { timeout: 60_000 }, async (t) => {
  const clientId = h.uid('deck-stranger-');
  // Another client left a session under this ID (clean start off).
  const other = h.mosquittoSub(['-c', '-i', clientId, '-q', '1', '-t', `${clientId}/#`], { count: 1, timeout: 20 });
  await other.ready;
  other.kill();
  await h.waitForLog((log) => log.includes(`Client ${clientId} closed its connection`) || log.includes(`Client ${clientId} disconnected`), {
    what: 'the other client gone',
  });
  const page = await h.newPage(env.browser, { timeout: T });
  t.after(() => page.context().close());
  await page.goto(h.appUrl({ client_id: clientId }));
  await page.getByRole('checkbox', { name: 'Clean start' }).uncheck();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.locator('#connection-status').filter({ hasText: CONNECTED }).waitFor();
  await page.getByRole('alert').filter({ hasText: /no record of/ }).waitFor();
  // One clean start (c1) after the refused session, then nothing more: no loop.
  const connects = (log) => log.split('\n').filter((l) => l.includes(`as ${clientId} (`));
  await h.waitForLog((log) => connects(log).some((l) => /\bc1\b/.test(l)), { what: 'the clean start' });
  assert.equal(connects(h.brokerLog()).length, 3, connects(h.brokerLog()).join('\n'));
  assert.deepEqual(page.errors, []);
});
