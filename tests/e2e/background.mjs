// The background-tab check (issue 14): the app, connected with keep-alive 30 s and subscribed,
// sits in a hidden tab for 7 minutes while mosquitto_pub publishes a QoS 1 message every 30 s;
// then the tab comes back to the front and the check asserts that the broker never dropped the
// client (for keep-alive or anything else), that the client connected exactly once, and that
// every message published meanwhile is in the app's topic tree. Too slow for the default test
// run: scripts/bench.sh runs it (DECK_BENCH_ONLY=background), and RELIABILITY.md keeps its outcome.
//
// The browser is not driven through Playwright: Playwright turns on focus emulation for every page
// it controls, which keeps the page visible (and unthrottled) whatever tab is in front, and it
// launches Chromium with the flags that turn background throttling off. Here Chromium runs
// headless with its own flags only, the app is opened by URL (its link parameters connect and
// subscribe it), a second tab opened in front of it hides it, and the check talks to the app's
// tab over the DevTools protocol with Runtime.evaluate only.
//
//   node tests/e2e/background.mjs                  the check (about 8 minutes)
//
// Environment:
//   DECK_BROKER_BASE   the broker's ports (see harness.mjs); the DevTools port is BASE+5
//   DECK_BG_MINUTES    how long the tab stays hidden (default 7)
//   DECK_BG_EVERY_S    seconds between publishes (default 30)
//   DECK_BG_NO_WORKER=1  the control: dist/ served without timer-worker.js, so the app's timer
//                      runs on the page's own (throttled) timers only
// Exits 1 when an assertion fails; prints one JSON report either way.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.mjs';
import * as h from './harness.mjs';
import { serve } from './serve.mjs';

const env = process.env;
const MINUTES = Number(env.DECK_BG_MINUTES || 7);
const EVERY_S = Number(env.DECK_BG_EVERY_S || 30);
const NO_WORKER = env.DECK_BG_NO_WORKER === '1';
const DEVTOOLS_PORT = h.BASE + 5;
const ROW_HEIGHT_PX = 34; // src/ui/monitor/tree.rs ROW_HEIGHT: the tree is a virtual list of fixed rows
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.error(`background: ${m}`);

/** The DevTools HTTP endpoint: list, open and activate tabs. */
async function devtools(pathname, method = 'GET') {
  const r = await fetch(`http://127.0.0.1:${DEVTOOLS_PORT}${pathname}`, { method });
  const text = await r.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Runtime.evaluate in one tab over its DevTools socket; nothing else is enabled on it. */
async function attach(tab) {
  const ws = new WebSocket(tab.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const evaluate = (fn, ...args) =>
    new Promise((resolve, reject) => {
      const i = ++id;
      const onMessage = (m) => {
        const d = JSON.parse(m);
        if (d.id !== i) return;
        ws.off('message', onMessage);
        if (d.error || d.result.exceptionDetails) reject(new Error(JSON.stringify(d.error || d.result.exceptionDetails)));
        else resolve(d.result.result.value);
      };
      ws.on('message', onMessage);
      const expression = `(${fn})(...${JSON.stringify(args)})`;
      ws.send(JSON.stringify({ id: i, method: 'Runtime.evaluate', params: { expression, returnByValue: true, awaitPromise: true } }));
    });
  return { evaluate, close: () => ws.close() };
}

async function until(what, check, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await pause(200);
  }
}

const cleanups = [];
let report;
let failures = [];
try {
  await h.startBroker({ logTypes: h.DEBUG_LOG_TYPES });
  cleanups.push(() => h.stopBroker());

  let dist = h.DIST;
  if (NO_WORKER) {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-bg-dist-'));
    fs.cpSync(h.DIST, dist, { recursive: true });
    for (const f of ['timer-worker.js', 'timer-worker.js.gz']) fs.rmSync(path.join(dist, f), { force: true });
    cleanups.push(() => fs.rmSync(dist, { recursive: true, force: true }));
  }
  const server = await serve(dist, 0);
  cleanups.push(() => server.close());

  const run = h.uid('bg');
  const clientId = `${run}-app`;
  const q = new URLSearchParams({ url: h.WS_URL, client_id: clientId, sub: `${run}/#`, sub_qos: '1', connect: '1' });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-bg-chromium-'));
  // Chromium's helper processes may still be writing to it for a moment after it exits.
  cleanups.push(() => fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));
  const chromium = spawn(CHROMIUM, [...CHROMIUM_FLAGS, `--remote-debugging-port=${DEVTOOLS_PORT}`, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: 'ignore',
  });
  cleanups.push(
    () =>
      new Promise((r) => {
        if (chromium.exitCode !== null) return r();
        chromium.once('exit', r);
        chromium.kill();
      }),
  );
  await until('Chromium to listen for DevTools', () => devtools('/json/version').then(() => true, () => false));

  const app = await devtools(`/json/new?${encodeURIComponent(`${server.url}/index.html?${q}`)}`, 'PUT');
  const page = await attach(app);
  cleanups.push(() => page.close());
  await until('the app to connect and its subscription to be granted', () =>
    page.evaluate((filter) => {
      const status = document.getElementById('connection-status')?.textContent || '';
      const subs = [...document.querySelectorAll('li')].some((li) => li.textContent.includes(filter) && /granted/.test(li.textContent));
      return /\bConnected\b/.test(status) && subs;
    }, `${run}/#`),
  );
  log(`connected as ${clientId}${NO_WORKER ? ' (control: no timer worker)' : ''}`);

  // A probe beside the app: a chained one-second page timer, whose gaps show how hard the page's
  // own timers are throttled while the tab is hidden (what the app's timer would suffer without
  // its Worker).
  await page.evaluate(() => {
    const p = (window.__bg = { gaps: [], visibility: [[Date.now(), document.visibilityState]] });
    document.addEventListener('visibilitychange', () => p.visibility.push([Date.now(), document.visibilityState]));
    let last = Date.now();
    const tick = () => {
      const now = Date.now();
      p.gaps.push([now, now - last]);
      last = now;
      setTimeout(tick, 1000);
    };
    setTimeout(tick, 1000);
  });

  // Another tab in front hides the app's.
  const cover = await devtools(`/json/new?${encodeURIComponent('about:blank')}`, 'PUT');
  await until('the app tab to be hidden', () => page.evaluate(() => document.visibilityState === 'hidden'), 10_000);
  const hiddenAt = Date.now();
  log(`hidden; publishing every ${EVERY_S} s for ${MINUTES} min`);

  const published = [];
  const hiddenChecks = [];
  for (let i = 0; Date.now() - hiddenAt < MINUTES * 60_000; i++) {
    const due = hiddenAt + (i + 1) * EVERY_S * 1000;
    if (due > hiddenAt + MINUTES * 60_000) {
      await pause(hiddenAt + MINUTES * 60_000 - Date.now());
      break;
    }
    await pause(due - Date.now());
    const topic = `${run}/${i}`;
    await h.mosquittoPub(['-q', '1', '-t', topic, '-m', `message ${i}`]);
    published.push(topic);
    hiddenChecks.push(await page.evaluate(() => document.visibilityState));
    log(`published ${topic} at ${Math.round((Date.now() - hiddenAt) / 1000)} s`);
  }

  // Back to the front: the cover tab goes, the app's tab is activated.
  await devtools(`/json/close/${cover.id}`);
  await devtools(`/json/activate/${app.id}`);
  await until('the app tab to be visible again', () => page.evaluate(() => document.visibilityState === 'visible'), 10_000);
  const hiddenMs = Date.now() - hiddenAt;

  // Topics `${run}/<i>`: with the tree filtered to `${run}/+`, its rows are the root plus one per
  // topic that arrived, and the root's subtree count is every delivery.
  await page.evaluate((filter) => {
    const input = document.getElementById('tree-filter');
    input.value = filter;
    input.dispatchEvent(new InputEvent('input', { bubbles: true }));
  }, `${run}/+`);
  const readTree = () =>
    page.evaluate(
      (root, rowHeight) => {
        const list = document.querySelector('.tree-scroll');
        if (!list) return null;
        const spacers = [...list.querySelectorAll('svg.vpad')].reduce((s, e) => s + Number(e.getAttribute('height')), 0);
        const rows = Math.round(spacers / rowHeight) + list.querySelectorAll('ul.vrows > li').length;
        const rootRow = [...list.querySelectorAll('li.tree-row')].find((li) => li.querySelector(`button[aria-label="Topic ${root}"]`));
        const deliveries = rootRow ? Number(rootRow.querySelector('.count').textContent.split('/').pop().trim()) : 0;
        const topics = [...list.querySelectorAll('button.node')].map((b) => b.getAttribute('aria-label').replace(/^Topic /, ''));
        return { rows, deliveries, topics };
      },
      run,
      ROW_HEIGHT_PX,
    );
  let tree = await readTree();
  const treeEnd = Date.now() + 5000;
  while ((!tree || tree.rows !== published.length + 1) && Date.now() < treeEnd) {
    await pause(100);
    tree = await readTree();
  }
  const status = await page.evaluate(() => document.getElementById('connection-status')?.textContent.trim());
  const probe = await page.evaluate(() => window.__bg);

  const brokerLog = h.brokerLog();
  const escaped = clientId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const connects = brokerLog.split('\n').filter((l) => new RegExp(`New client connected from .* as ${escaped}\\b`).test(l));
  // Mosquitto 2.0.11 logged the control's keep-alive timeouts of the app (a websockets client)
  // only as "Client ... closed its connection", 45 s after the app's last packet, without its
  // "exceeded timeout" line: any end of the app's connection before the check's own is a failure.
  const timeouts = brokerLog.split('\n').filter((l) => l.includes(clientId) && /exceeded timeout|keep.?alive/i.test(l));
  const disconnects = brokerLog.split('\n').filter((l) => l.includes(clientId) && /disconnect|closed its connection/i.test(l));
  const pings = brokerLog.split('\n').filter((l) => l.includes(`Received PINGREQ from ${clientId}`)).length;
  const hiddenGaps = probe.gaps.filter(([t]) => t > hiddenAt && t < hiddenAt + hiddenMs).map(([, g]) => g);
  const missing = published.filter((t) => !tree?.topics.includes(t));

  report = {
    control: NO_WORKER ? 'no timer worker' : null,
    hiddenMinutes: +(hiddenMs / 60000).toFixed(1),
    hiddenWhilePublishing: hiddenChecks.every((v) => v === 'hidden'),
    published: published.length,
    received: tree ? tree.rows - 1 : 0,
    deliveries: tree?.deliveries ?? 0,
    missing,
    status,
    brokerConnects: connects.length,
    brokerKeepAliveTimeouts: timeouts,
    brokerDisconnects: disconnects,
    pingsWhileRunning: pings,
    // What the broker logged about the client besides the packets of the flow, to see why.
    brokerLog:
      connects.length !== 1 || timeouts.length || disconnects.length || missing.length
        ? brokerLog.split('\n').filter((l) => l.includes(clientId) && !/(Sending|Received) (PUBLISH|PUBACK|PINGREQ|PINGRESP)/.test(l))
        : undefined,
    pageTimerProbe: {
      longestGapS: +(Math.max(0, ...hiddenGaps) / 1000).toFixed(1),
      gapsOver30s: hiddenGaps.filter((g) => g > 30_000).length,
      ticks: hiddenGaps.length,
    },
  };
  if (!report.hiddenWhilePublishing) failures.push('the tab was not hidden the whole time');
  if (timeouts.length) failures.push(`the broker dropped the client for keep-alive: ${timeouts.join(' | ')}`);
  if (connects.length !== 1) failures.push(`the client connected ${connects.length} times, not once`);
  if (disconnects.length) failures.push(`the broker saw the client's connection end: ${disconnects.join(' | ')}`);
  if (missing.length) failures.push(`${missing.length} of ${published.length} messages are not in the app: ${missing.join(', ')}`);
  if (!/\bConnected\b/.test(status || '')) failures.push(`the app's status reads "${status}"`);
} catch (e) {
  failures.push(`error: ${e.stack || e}`);
} finally {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (e) {
      log(`cleanup: ${e.message}`);
    }
  }
}
console.log(JSON.stringify({ ...report, pass: failures.length === 0, failures }, null, 2));
if (failures.length) process.exitCode = 1;
