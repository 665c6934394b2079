// Shared helpers for MQTT Deck's node:test browser specs: private broker, static server, Chromium, mosquitto clients.
//
// Environment:
//   DECK_BROKER_BASE  first of the three broker ports (default 18830; see scripts/broker.sh)
//   DECK_DIST         directory holding the built app (default <repo>/dist)
//   DECK_CHROMIUM     Chromium executable (see chromium.mjs)
//   DECK_KEEP_BROKER_DIR=1  keep the broker's temp dir (config, log) after stopBroker, for debugging
import { execFile, spawn } from 'node:child_process';
import { after, afterEach } from 'node:test';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.mjs';
import { serve } from './serve.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
const BROKER_SH = path.join(REPO, 'scripts', 'broker.sh');

export const BASE = Number(process.env.DECK_BROKER_BASE || 18830);
export const PORTS = { mqtt: BASE, ws: BASE + 1, wsAuth: BASE + 2 };
export const WS_URL = `ws://127.0.0.1:${PORTS.ws}`;
export const WS_AUTH_URL = `ws://127.0.0.1:${PORTS.wsAuth}`;
export const DIST = process.env.DECK_DIST ? path.resolve(process.env.DECK_DIST) : path.join(REPO, 'dist');
export { CHROMIUM };

// Log levels that make refused CONNECTs visible: mosquitto 2.0 logs a refused client only as
// "Sending CONNACK to 127.0.0.1 (0, 5)" at debug level, without its client id.
export const DEBUG_LOG_TYPES = 'error warning notice information subscribe unsubscribe debug';

/** A short id unique to this run, for topics and client ids that must not collide across tests. */
export function uid(prefix = '') {
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function run(cmd, args, { input, env, timeout = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: env ? { ...process.env, ...env } : process.env, timeout, encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          err.message += `\n$ ${cmd} ${args.join(' ')}\n${stdout}${stderr}`;
          reject(err);
        } else resolve({ stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

// ---------------------------------------------------------------- broker

let broker = null;

/**
 * Starts scripts/broker.sh in a fresh temp dir. Returns { dir, logPath, ports, log() }.
 * logTypes: mosquitto log_type list (space separated); the script's default is quiet enough for floods.
 * maxInflight: Mosquitto's max_inflight_messages (scripts/broker.sh's default otherwise).
 */
export async function startBroker({ logTypes, persist = false, maxInflight } = {}) {
  if (broker) await stopBroker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-broker-'));
  const env = {
    ...(logTypes ? { DECK_BROKER_LOG_TYPES: logTypes } : {}),
    ...(persist ? { DECK_BROKER_PERSIST: '1' } : {}),
    ...(maxInflight ? { DECK_BROKER_MAX_INFLIGHT: String(maxInflight) } : {}),
  };
  try {
    await run('bash', [BROKER_SH, 'start', dir, String(BASE)], { env });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const logPath = path.join(dir, 'mosquitto.log');
  broker = { dir, env, logPath, ports: PORTS, log: () => fs.readFileSync(logPath, 'utf8') };
  return broker;
}

/**
 * Stops the broker and starts it again from the same directory and config: with `persist`, its
 * sessions and queued messages survive (Mosquitto saves them on SIGTERM). The log starts afresh.
 * `env` adds scripts/broker.sh settings for this start only (e.g. DECK_BROKER_MAX_INFLIGHT).
 */
export async function restartBroker({ env = {} } = {}) {
  if (!broker) throw new Error('broker not started');
  const t0 = Date.now();
  // broker.sh waits up to 60 s for the broker to save its state and exit: outwait it.
  const { stderr } = await run('bash', [BROKER_SH, 'stop', broker.dir], { timeout: 90_000 });
  const stopMs = Date.now() - t0;
  await run('bash', [BROKER_SH, 'start', broker.dir, String(BASE)], { env: { ...broker.env, ...env } });
  // Killed means it may have come back from an older saved state (and deliver again).
  return { stopMs, killed: /killing it/.test(stderr) };
}

export async function stopBroker() {
  if (!broker) return;
  const { dir } = broker;
  broker = null;
  await run('bash', [BROKER_SH, 'stop', dir], { timeout: 90_000 });
  if (process.env.DECK_KEEP_BROKER_DIR === '1') console.error(`broker dir kept: ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

/** The running broker's directory (config, log, pid file, persistence file). */
export function brokerDir() {
  if (!broker) throw new Error('broker not started');
  return broker.dir;
}

/** The running broker's log text so far. */
export function brokerLog() {
  if (!broker) throw new Error('broker not started');
  return broker.log();
}

/** Polls the broker log until predicate(logText) is truthy; no fixed sleeps beyond the poll step. */
/** A loopback port that was free a moment ago: connecting to it is refused. */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForLog(predicate, { timeout = 10_000, what = 'broker log condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = brokerLog();
    const v = predicate(text);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; log tail:\n${text.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------------------------------------------------------------- mosquitto clients

const CONN = () => ['-h', '127.0.0.1', '-p', String(PORTS.mqtt)];

/**
 * Runs mosquitto_pub against the plain TCP listener; resolves when it exits 0.
 * input: bytes/string for stdin (use with -s or -l).
 */
export function mosquittoPub(args, { input } = {}) {
  return run('mosquitto_pub', [...CONN(), ...args], { input });
}

// mosquitto_sub -d prints its protocol trace on stdout next to the messages; these are trace lines.
const SUB_TRACE = /^(Client \S+ (sending|received) [A-Z]+|Subscribed \(mid: \d+\):)/;

/**
 * Starts mosquitto_sub against the plain TCP listener, exiting after `count` messages (-C) or
 * `timeout` seconds (-W). Returns:
 *   ready    resolves once the broker has acknowledged every subscription (SUBACK seen via -d),
 *            so anything published after it is guaranteed to be routed to this subscriber
 *   done     resolves with the message lines (as mosquitto_sub prints them, e.g. "topic payload"
 *            with -v) once `count` arrived; rejects on timeout or error
 *   lines    the message lines so far
 *   kill()   stops it early
 */
export function mosquittoSub(args, { count = 1, timeout = 10 } = {}) {
  // stdbuf: into a pipe, mosquitto_sub's stdio would hold the SUBACK trace back until exit.
  const argv = ['-oL', 'mosquitto_sub', ...CONN(), '-d', '-C', String(count), '-W', String(timeout), ...args];
  const child = spawn('stdbuf', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let trace = '';
  let stderr = '';
  let buf = '';
  let onReady;
  let onReadyFail;
  const ready = new Promise((res, rej) => {
    onReady = res;
    onReadyFail = rej;
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (SUB_TRACE.test(line)) {
        trace += line + '\n';
        if (line.startsWith('Subscribed (')) onReady();
      } else lines.push(line);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => (stderr += c));
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (buf) lines.push(buf);
      const why = code === 27 ? `timed out after ${timeout}s` : `exited ${code ?? signal}`;
      const err = new Error(
        `mosquitto_sub ${args.join(' ')} ${why} with ${lines.length}/${count} messages\n` +
          `messages:\n${lines.join('\n')}\ntrace:\n${trace}${stderr}`,
      );
      onReadyFail(err);
      if (code === 0 && lines.length >= count) resolve(lines);
      else reject(err);
    });
  });
  // A caller that only awaits `done` must not get an unhandled rejection from `ready`.
  ready.catch(() => {});
  done.catch(() => {});
  return { ready, done, lines, kill: () => child.kill('SIGTERM'), process: child };
}

// ---------------------------------------------------------------- static server and app URL

let served = null;

/** Serves DIST on a free port (once per process); returns its base URL. */
export async function serveDist() {
  if (served) return served.url;
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html not found: build the app first (or point DECK_DIST at a build)`);
  }
  served = await serve(DIST, 0);
  return served.url;
}

export async function stopServing() {
  if (!served) return;
  const s = served;
  served = null;
  await s.close();
}

/**
 * URL of the app with query parameters; `url` defaults to the anonymous websockets listener.
 * Array values repeat the parameter (e.g. { sub: ['a/#', 'b'] }); null/undefined values are dropped.
 */
export function appUrl(params = {}) {
  if (!served) throw new Error('call serveDist() before appUrl()');
  const q = new URLSearchParams();
  q.append('url', params.url ?? WS_URL);
  for (const [k, v] of Object.entries(params)) {
    if (k === 'url' || v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  return `${served.url}/index.html?${q}`;
}

// ---------------------------------------------------------------- browser

/**
 * Launches the system Chromium headless. Playwright's own `headless: true` already adds
 * --headless and --no-sandbox; repeating them in args is harmless and keeps the command line
 * self-explanatory when someone copies it from a process list. extraArgs: more flags (the wss
 * specs add the one that trusts their throwaway certificate).
 * Every context it makes (browser.newContext, and browser.newPage through it) reports
 * Content-Security-Policy violations to cspViolations, which fail the test they happen in.
 */
export async function launchBrowser({ extraArgs = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...extraArgs],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await watchCsp(context);
    return context;
  };
  return browser;
}

// ---------------------------------------------------------------- Content-Security-Policy

/** Violations seen since the last test ended: "page URL: what was refused". */
export const cspViolations = [];


/** A browser whose storage lives in `dir`, so a second launch is the same browser restarted. */
export async function launchPersistent(dir, timeout = 15_000) {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
  });
  await watchCsp(context);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  return { context, page };
}

/** Subscribes to `filter` in the shown connection and waits for the broker's grant. */
export async function subscribe(page, filter) {
  await page.getByLabel('Topic filter', { exact: true }).fill(filter);
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await page
    .getByRole('list', { name: 'Subscriptions', exact: true })
    .getByRole('listitem')
    .filter({ hasText: filter })
    .filter({ hasText: /granted QoS/ })
    .first()
    .waitFor();
}

/**
 * Shows a screen: on a phone by its tab; on a desktop the forms' screens (Connection,
 * Publish) are always shown and have no visible tab, and the main views' tabs are clicked.
 */
export async function show(page, name) {
  const tab = page.getByRole('tab', { name, exact: true });
  if (await tab.isVisible()) await tab.click();
}

/**
 * Chooses a file for "Import from a file" (beside the saved connections) and returns the
 * section's status line and the import preview, for the caller to wait on.
 */
export async function importFile(page, name, text) {
  await show(page, 'Connection');
  const buffer = Buffer.isBuffer(text) ? text : Buffer.from(text);
  await page.getByLabel('Import from a file', { exact: true }).setInputFiles({ name, mimeType: 'application/json', buffer });
  return {
    status: page.getByRole('region', { name: 'Saved connections' }).getByRole('status'),
    preview: page.getByRole('group', { name: 'Import preview', exact: true }),
  };
}

/**
 * Called by launchBrowser for its contexts; a spec that launches a context some other way
 * (a persistent one) calls it itself. Each page reports violations two ways: the document's
 * `securitypolicyviolation` event (through a binding, so the page cannot hide it by clearing a
 * variable) and Chromium's console message, which also covers what the event does not reach.
 */
export async function watchCsp(context) {
  await context.exposeBinding('__deckCspViolation', ({ page }, text) => cspViolations.push(`${page?.url()}: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const where = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : '';
      window.__deckCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || '(inline)'}${where} ${e.sample}`);
    });
  });
  const watch = (page) =>
    page.on('console', (m) => {
      if (/Content.Security.Policy|^Refused to /i.test(m.text())) cspViolations.push(`${page.url()}: console: ${m.text()}`);
    });
  context.pages().forEach(watch);
  context.on('page', watch);
}

/** Throws (failing the current test, or the file after its last) when a violation was seen. */
function assertNoCspViolation() {
  if (cspViolations.length === 0) return;
  const seen = cspViolations.splice(0);
  throw new Error(`Content-Security-Policy violations:\n${seen.join('\n')}`);
}

// Every spec imports this module, so every test of every spec checks its pages here. Other
// scripts that use the harness (the benchmark, the screenshot) are no tests: node:test's hooks
// would print an empty test report into their output.
if (process.env.NODE_TEST_CONTEXT || /\.spec\.mjs$/.test(process.argv[1] ?? '')) {
  afterEach(assertNoCspViolation);
  after(assertNoCspViolation);
}

/**
 * A new page in a fresh context (no storage shared with other tests) whose console errors and
 * uncaught exceptions are collected in page.errors, so a failing spec can show why the app
 * misbehaved.
 */
export async function newPage(browser, { timeout = 15_000 } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Playwright's 30 s action default makes a missing control cost half a minute per test.
  page.setDefaultTimeout(timeout);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console.error: ${m.text()}`);
  });
  return page;
}

// ---------------------------------------------------------------- all together

/**
 * One-call setup for a spec file's before(): broker, served dist and browser.
 * Returns { broker, browser, baseUrl }.
 */
export async function setup({ logTypes, persist, maxInflight } = {}) {
  const b = await startBroker({ logTypes, persist, maxInflight });
  try {
    const baseUrl = await serveDist();
    const browser = await launchBrowser();
    return { broker: b, browser, baseUrl };
  } catch (e) {
    await stopServing();
    await stopBroker();
    throw e;
  }
}

export async function teardown(browser) {
  try {
    if (browser) await browser.close();
  } finally {
    await stopServing();
    await stopBroker();
  }
}
