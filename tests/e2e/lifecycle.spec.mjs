// Browser specs for a phone's life: the network drops and returns, a link dies while the page sleeps,
// and two tabs share a client ID.
//
// The network: Chromium's offline emulation does not close an open WebSocket, so the spec puts the
// fault proxy (faultproxy.mjs) between the app and the broker's websockets listener and cuts it
// with the network, as a phone losing its Wi-Fi would. The two tabs are two pages of one browser
// context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { faultProxy } from './faultproxy.mjs';
import * as h from './harness.mjs';

const T = 15_000;
const TEST_TIMEOUT = 60_000;
const CONNECTED = /\bConnected\b/;

let env;

before(async () => {
  env = await h.setup({ logTypes: h.DEBUG_LOG_TYPES });
});

after(async () => {
  await h.teardown(env?.browser);
});

async function openIn(context, params) {
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(h.appUrl(params));
  return page;
}

const status = (page) => page.locator('#connection-status');

async function waitStatus(page, re, what) {
  try {
    await status(page).filter({ hasText: re }).waitFor({ timeout: T });
  } catch (e) {
    const now = await status(page).textContent().catch(() => '(none)');
    throw new Error(`waiting for ${what}: status is ${JSON.stringify(now)}; ${page.errors.join('; ')}`);
  }
}

/** Seconds until the next reconnect attempt, from the status bar's countdown. */
async function secondsToNextAttempt(page) {
  const text = await page.getByRole('timer', { name: 'Next reconnect attempt' }).textContent({ timeout: 1000 }).catch(() => '');
  const m = /in (\d+) s/.exec(text);
  return m ? Number(m[1]) : 0;
}

test('when the network returns the app reconnects at once instead of waiting out its backoff', { timeout: TEST_TIMEOUT }, async (t) => {
  const link = await faultProxy({ target: h.WS_URL, port: h.BASE + 10 });
  t.after(() => link.close());
  const context = await env.browser.newContext();
  t.after(() => context.close());
  const page = await openIn(context, { url: link.url, connect: 1, client_id: h.uid('deck-net-') });
  await waitStatus(page, CONNECTED, 'the first connection');

  // The phone loses its network: the link dies and every attempt fails, so the backoff grows.
  await context.setOffline(true);
  link.cut({ refuse: true });
  await waitStatus(page, /Reconnecting/, 'the app noticing the lost link');
  const deadline = Date.now() + 20_000;
  let wait = 0;
  while ((wait = await secondsToNextAttempt(page)) < 4) {
    assert.ok(Date.now() < deadline, 'the backoff never grew to 4 s');
    await page.waitForTimeout(200);
  }

  await link.restore();
  const back = Date.now();
  await context.setOffline(false);
  await waitStatus(page, CONNECTED, 'reconnecting after the network came back');
  const took = Date.now() - back;
  assert.ok(took < 2000, `reconnected ${took} ms after the network came back`);
  assert.ok(took < (wait - 1) * 1000, `the backoff (${wait} s left) would have reconnected as soon (${took} ms)`);
});

test('a link that died while the page slept is noticed at wake-up and replaced', { timeout: TEST_TIMEOUT }, async (t) => {
  const link = await faultProxy({ target: h.WS_URL, port: h.BASE + 10 });
  t.after(() => link.close());
  const context = await env.browser.newContext();
  t.after(() => context.close());
  const id = h.uid('deck-stale-');
  const page = await openIn(context, { url: link.url, connect: 1, client_id: id });
  await waitStatus(page, CONNECTED, 'the first connection');

  link.freeze();
  // The phone comes back to the page: a network blip ends in `online`.
  await context.setOffline(true);
  await context.setOffline(false);
  const woke = Date.now();
  await waitStatus(page, /went stale/, 'the app noticing the dead link');
  await waitStatus(page, CONNECTED, 'a new connection');
  const took = Date.now() - woke;
  // Keep-alive alone (30 s, then the ping's own wait) would have taken far longer.
  assert.ok(took < 10_000, `a new connection ${took} ms after waking`);
  const log = h.brokerLog();
  assert.equal((log.match(new RegExp(`New client connected from \\S+ as ${id} `, 'g')) || []).length, 2);
});

for (const version of ['3.1.1', '5']) {
  test(`two tabs with one client ID say so in both and a new ID ends it (MQTT ${version})`, { timeout: TEST_TIMEOUT }, async (t) => {
    const id = h.uid('deck-tabs-');
    const context = await env.browser.newContext();
    t.after(() => context.close());
    const first = await openIn(context, { connect: 1, client_id: id, version });
    await waitStatus(first, CONNECTED, 'the first tab connecting');
    const second = await openIn(context, { connect: 1, client_id: id, version });
    await waitStatus(second, CONNECTED, 'the second tab connecting');

    const notice = `Another tab of MQTT Deck uses the client ID ${id}:`;
    for (const page of [first, second]) {
      await page.getByRole('alert').filter({ hasText: notice }).waitFor();
    }
    // The first tab yielded instead of taking the ID back; the second kept its connection.
    await waitStatus(first, /^Disconnected$/, 'the first tab standing down');
    assert.match(await status(second).textContent(), new RegExp(`Connected .*${id}`));

    await first.getByRole('button', { name: 'Use a new client ID' }).click();
    await waitStatus(first, CONNECTED, 'the first tab connecting with a new client ID');
    const now = await status(first).textContent();
    assert.doesNotMatch(now, new RegExp(id), 'the first tab still uses the old client ID');
    assert.equal(await first.getByRole('alert').filter({ hasText: notice }).count(), 0, 'the notice stayed');
    // Neither tab kicks the other any more.
    assert.match(await status(second).textContent(), new RegExp(`Connected .*${id}`));
    // One takeover (the second tab connecting), then no loop of them.
    const log = h.brokerLog();
    const count = (re) => (log.match(new RegExp(re, 'g')) || []).length;
    assert.equal(count(`Client ${id} already connected`), 1, 'takeovers');
    assert.equal(count(`New client connected from \\S+ as ${id} `), 2, 'connections with the shared ID');
  });
}
