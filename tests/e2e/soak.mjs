// The soak scenario: QoS 1 and QoS 2 messages both ways between the app and Mosquitto across cuts,
// stalls and broker restarts, with a kept session, counted for loss and duplication.
//
// Toward the app, a node client (MQTT.js over TCP) publishes every message on a topic of its
// own, `<run>-in<qos>/<seq>`. The app's topic tree then counts them without any page hook: the
// rows under a tree filter are the distinct topics that arrived, the root's subtree count is every
// delivery, so loss and duplication per QoS are read off the screen the user sees.
// From the app, an in-page loop drives the publish form (payload `<seq>` on `<run>-out<qos>`)
// and mosquitto_sub, with a kept session of its own, records every delivery.
//
// The app connects through the fault proxy with clean start off (MQTT 5, session expiry a day)
// to a Mosquitto with persistence. Faults are spread over the run by progress, not by time, so
// that a slower machine sees the same scenario: each is a cut (new connections refused for a
// moment), a stall (traffic held, then let go) or a freeze (a stall that never ends, found by
// the app's keep-alive), picked by a seeded generator, and between them the link may trickle one
// byte per WebSocket message or lag; broker restarts fall between the faults. The node publisher pauses across a restart (its own session is not under
// test); the app publishes on throughout, queueing while it is disconnected (when its offline
// queue is full the form refuses a message, and the publisher sends it again a moment later).
//
// Fences end the run: once everything is published and the link is whole, one more QoS 2 message
// each way; it arrives after anything still queued or in flight before it, so counting after it
// misses nothing that was coming.
import fs from 'node:fs';
import mqtt from 'mqtt';
import { faultProxy } from './faultproxy.mjs';
import * as h from './harness.mjs';

const ROW_HEIGHT_PX = 34; // src/ui/monitor/tree.rs ROW_HEIGHT: the tree is a virtual list of fixed rows
const BATCH = 50;
const KEEP_ALIVE_S = 5; // messages per QoS between the form's topic changes, and per node publish batch

/** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Loss and duplication in `deliveries` (a Map of seq to times seen) of seqs 0..n-1. */
function tally(deliveries, n) {
  let lost = 0;
  let duplicated = 0;
  for (let seq = 0; seq < n; seq++) {
    const c = deliveries.get(seq) || 0;
    if (c === 0) lost++;
    else duplicated += c - 1;
  }
  return { lost, duplicated, stray: [...deliveries.keys()].filter((s) => !(s >= 0 && s < n)).length };
}

/**
 * The in-page publisher: submits the publish form for seq 0..n-1 at QoS 1 and 2, `batch` of one
 * QoS then `batch` of the other, `rate` messages a second at most. Each form field is its own state update, so each waits for the
 * next task (Yew renders in a microtask before it) before the next one is set.
 */
async function pagePublisher({ run, n, batch, rate }) {
  const s = (window.__soak = { sent: 0, errors: [], refused: 0, done: false });
  const start = performance.now();
  const topic = document.getElementById('pub-topic');
  const payload = document.getElementById('pub-payload');
  const qos = document.getElementById('pub-qos');
  const form = topic.closest('form');
  const channel = new MessageChannel();
  const nextTask = () =>
    new Promise((r) => {
      channel.port1.onmessage = () => r();
      channel.port2.postMessage(0);
    });
  const set = async (el, value, type) => {
    el.value = value;
    el.dispatchEvent(type === 'input' ? new InputEvent('input', { bubbles: true }) : new Event(type, { bubbles: true }));
    await nextTask();
  };
  for (let first = 0; first < n; first += batch) {
    for (const q of [1, 2]) {
      await set(topic, `${run}-out${q}`, 'input');
      await set(qos, String(q), 'change');
      for (let seq = first; seq < Math.min(n, first + batch); seq++) {
        const due = start + (s.sent / rate) * 1000;
        if (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
        // A full offline queue refuses the message and says so: as a user would, wait a
        // moment and send it again (the refusal is counted; the message is not lost).
        for (;;) {
          await set(payload, String(seq), 'input');
          form.requestSubmit();
          await nextTask();
          const alert = form.querySelector('[role=alert]');
          if (alert && /offline queue is full/.test(alert.textContent)) {
            s.refused++;
            await new Promise((r) => setTimeout(r, 250));
            continue;
          }
          if (alert && s.errors.length < 20) s.errors.push(`${q}/${seq}: ${alert.textContent}`);
          break;
        }
        s.sent++;
      }
    }
  }
  s.done = true;
}

/**
 * Runs the scenario in a new context of `browser`; the harness's broker must have been started
 * with `persist: true`. Returns the counts; asserts nothing.
 *   n         messages per QoS per direction
 *   rate      messages a second the app publishes (both QoS together); the run lasts about 2n/rate
 *   faults    cuts, stalls and freezes, spread over the run
 *   faultMs   the longest stall; cuts refuse connections for up to half as long
 *   restarts  broker restarts, between the faults
 *   version   the app's MQTT version, '5.0' (a session expiry of a day) or '3.1.1' (clean session off)
 *   maxFreezes  at most this many of the faults are freezes (each costs the keep-alive's wait)
 *   trace     a file for the fault proxy's packet trace (faultproxy.mjs `trace`), or none
 */
export async function runSoak(
  browser,
  { n, rate, faults, faultMs, restarts, maxFreezes = Infinity, version = '5.0', trace, seed = Date.now() % 1e9, log = () => {} },
) {
  const started = Date.now();
  const rnd = random(seed);
  const run = h.uid('soak');
  const proxy = await faultProxy({ target: h.WS_URL, port: h.BASE + 11 });
  const cleanups = [() => proxy.close()];
  if (trace) {
    const out = fs.createWriteStream(trace);
    proxy.trace((line) => out.write(line));
    cleanups.push(() => new Promise((r) => out.end(r)));
  }
  const counts = { cuts: 0, stalls: 0, freezes: 0, restarts: 0, stopMs: [], killed: 0 };
  try {
    // mosquitto_sub keeps its session (-c) and reconnects by itself across broker restarts.
    const sub = h.mosquittoSub(['-c', '-i', `${run}-sub`, '-q', '2', '-v', '-t', `${run}-out1`, '-t', `${run}-out2`], {
      count: 1e9,
      timeout: 3600,
    });
    cleanups.push(() => sub.kill());
    await sub.ready;

    const context = await browser.newContext();
    cleanups.push(() => context.close());
    await context.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => (window.__wasm = e.detail.wasm)));
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    // A Rust panic reaches the console, not pageerror, when it is caught by the glue.
    page.on('console', (m) => m.type() === 'error' && /panicked|RuntimeError|unreachable/.test(m.text()) && pageErrors.push(m.text()));
    await page.goto(h.appUrl({ url: proxy.url, client_id: `${run}-app` }));
    await page.selectOption('#mqtt-version', version);
    await page.getByRole('checkbox', { name: 'Clean start' }).uncheck();
    // Frozen links are found by keep-alive: a short one keeps the run short.
    await page.fill('#keep-alive', String(KEEP_ALIVE_S));
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const status = page.locator('#connection-status');
    await status.filter({ hasText: /\bConnected\b/ }).waitFor();
    // Both subscriptions granted before anything is published toward the app.
    const subscriptions = page.getByRole('list', { name: 'Subscriptions', exact: true }).getByRole('listitem');
    for (const q of [1, 2]) {
      await page.fill('#sub-filter', `${run}-in${q}/#`);
      await page.selectOption('#sub-qos', '2');
      await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
      await subscriptions.filter({ hasText: `${run}-in${q}/#` }).filter({ hasText: 'granted QoS 2' }).waitFor();
    }

    const appDone = page.evaluate(pagePublisher, { run, n, batch: BATCH, rate });
    let appSent = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        appSent = await page.evaluate(() => window.__soak?.sent ?? 0);
        await pause(100);
      }
    })();
    cleanups.push(async () => {
      polling = false;
      await poller;
    });

    // The node publisher: its own clean connection, one batch at a time, keeping pace with the
    // app's paced publishing so that faults find both directions busy; paused across restarts.
    let gate = Promise.resolve();
    let client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.PORTS.mqtt}`, { clientId: `${run}-pub`, reconnectPeriod: 0 });
    let extSent = 0;
    let batchDone = Promise.resolve();
    const extPublisher = (async () => {
      for (let start = 0; start < n; start += BATCH) {
        while (appSent < 2 * start) await pause(100);
        await gate;
        const end = Math.min(n, start + BATCH);
        const sends = [];
        for (let seq = start; seq < end; seq++) {
          for (const q of [1, 2]) sends.push(client.publishAsync(`${run}-in${q}/${seq}`, String(seq), { qos: q }));
        }
        batchDone = Promise.all(sends);
        await batchDone;
        extSent += sends.length;
      }
    })();

    // Awaited below; until then a failure must not end the process as an unhandled rejection.
    for (const p of [appDone, extPublisher, poller]) p.catch(() => {});
    const total = 4 * n;

    // Events spread over progress: restarts fall among the faults.
    const events = faults + restarts;
    const restartAt = new Set(Array.from({ length: restarts }, (_, i) => Math.round(((i + 1) * (events + 1)) / (restarts + 1)) - 1));
    for (let i = 0; i < events; i++) {
      const due = ((i + 1) / (events + 1)) * total;
      let progress = 0;
      while ((progress = extSent + appSent) < due) await pause(100);
      // A fault on a link that is already down tests nothing: each one finds the app connected.
      await status.filter({ hasText: /\bConnected\b/ }).waitFor({ timeout: 60_000 });
      if (restartAt.has(i)) {
        let open;
        gate = new Promise((r) => (open = r));
        await batchDone;
        await client.endAsync();
        log(`restart ${counts.restarts + 1} of the broker at ${progress}/${total}`);
        const stop = await h.restartBroker();
        log(`the broker saved its state and stopped in ${stop.stopMs} ms${stop.killed ? ' (KILLED after 60 s)' : ''}`);
        counts.stopMs.push(stop.stopMs);
        if (stop.killed) counts.killed++;
        client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.PORTS.mqtt}`, { clientId: `${run}-pub`, reconnectPeriod: 0 });
        open();
        counts.restarts++;
      } else {
        const kind = rnd();
        if (kind < 0.4) {
          const ms = Math.round(100 + (rnd() * faultMs) / 2);
          log(`cut for ${ms} ms at ${progress}/${total}`);
          proxy.cut({ refuse: true });
          await pause(ms);
          await proxy.restore();
          counts.cuts++;
        } else if (kind < 0.8 || counts.freezes >= maxFreezes) {
          const ms = Math.round(200 + rnd() * faultMs);
          log(`stall for ${ms} ms at ${progress}/${total}`);
          proxy.stall();
          await pause(ms);
          proxy.resume();
          counts.stalls++;
        } else {
          // A stall that never ends: only the app's keep-alive finds out, and the broker hands
          // the session to the new connection while the old one still looks open to it.
          log(`freeze at ${progress}/${total}`);
          const next = proxy.nextLink();
          proxy.freeze();
          await next;
          counts.freezes++;
        }
      }
      // Until the next event the link trickles one byte per message (so that the next cut may
      // land inside a packet) or lags, or neither.
      const shape = rnd();
      proxy.trickle(shape < 0.25);
      proxy.delay(shape >= 0.25 && shape < 0.5 ? Math.round(rnd() * 50) : 0);
      if (proxy.trickling) log('trickling until the next event');
      else if (proxy.delayMs) log(`delaying every message ${proxy.delayMs} ms until the next event`);
    }
    proxy.trickle(false);
    proxy.delay(0);
    await extPublisher;
    await appDone;
    const { errors: appErrors, refused } = await page.evaluate(() => window.__soak);
    log(`all published (${Math.round((Date.now() - started) / 1000)} s); fences`);

    // The fences.
    await status.filter({ hasText: /\bConnected\b/ }).waitFor({ timeout: 60_000 });
    await client.publishAsync(`${run}-in2/end`, 'end', { qos: 2 });
    await client.endAsync();
    await page.fill('#pub-topic', `${run}-out2`);
    await page.selectOption('#pub-qos', '2');
    await page.fill('#pub-payload', 'end');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const fenceTimeout = Date.now() + 120_000;
    while (!sub.lines.includes(`${run}-out2 end`)) {
      if (Date.now() > fenceTimeout) throw new Error(`the app's fence never reached mosquitto_sub; status ${await status.textContent()}`);
      await pause(100);
    }

    // What the app received, from its topic tree.
    const rows = async (filter, expected) => {
      await page.fill('#tree-filter', filter);
      // The list's length: the rows in the DOM and the spacers standing in for the others.
      const list = page.locator('.tree-scroll');
      const read = () =>
        list.evaluate((e, h) => {
          const spacers = [...e.querySelectorAll('svg.vpad')].reduce((sum, s) => sum + Number(s.getAttribute('height')), 0);
          return Math.round(spacers / h) + e.querySelectorAll('ul.vrows > li').length;
        }, ROW_HEIGHT_PX);
      // The list follows on the next frame; when the count is not what a clean run gives, the
      // last reading after a few seconds is what it is.
      const until = Date.now() + 5000;
      let r = await read();
      while (r !== expected && Date.now() < until) {
        await pause(100);
        r = await read();
      }
      return r;
    };
    const subtree = async (root) => {
      const text = await page
        .locator('li.tree-row', { has: page.getByRole('button', { name: `Topic ${root}`, exact: true }) })
        .locator('.count')
        .textContent();
      return Number(text.split('/').pop().trim());
    };
    // Rows are the root plus one per topic.
    await rows(`${run}-in2/end`, 2).then((r) => r === 2 || Promise.reject(new Error("the node publisher's fence never reached the app")));
    const toApp = {};
    for (const q of [1, 2]) {
      const distinct = (await rows(`${run}-in${q}/+`, n + 1 + (q === 2 ? 1 : 0))) - 1 - (q === 2 ? 1 : 0);
      const deliveries = (await subtree(`${run}-in${q}`)) - (q === 2 ? 1 : 0);
      toApp[q] = { lost: n - distinct, duplicated: deliveries - distinct };
    }

    // What mosquitto_sub received from the app.
    const fromApp = {};
    for (const q of [1, 2]) {
      const seen = new Map();
      for (const line of sub.lines) {
        const [topic, payload] = line.split(' ');
        if (topic !== `${run}-out${q}` || payload === 'end') continue;
        seen.set(Number(payload), (seen.get(Number(payload)) || 0) + 1);
      }
      fromApp[q] = tally(seen, n);
    }

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const memory = await page.evaluate(() => ({
      wasm: window.__wasm?.memory.buffer.byteLength ?? null,
      js: performance.memory?.usedJSHeapSize ?? null,
    }));
    return {
      seed,
      version,
      n,
      ...counts,
      durationMs: Date.now() - started,
      toApp,
      fromApp,
      pageErrors,
      appErrors,
      refused,
      memory,
      proxy: proxy.stats,
    };
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  }
}
