// Minimal Chrome DevTools Protocol client over --remote-debugging-pipe: launches Chromium and drives benchmark pages without instrumenting their traffic.
//
// Why not Playwright: it enables the Network domain on every page it attaches to, so Chromium
// copies every WebSocket frame to it as an event. Measured here, that halves the message rate of
// every browser client, the bare WebSocket ceiling included. This client enables nothing but
// Page (for the load event) and sends only what a measurement needs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_FLAGS } from '../tests/e2e/chromium.mjs';


export async function launch({ executablePath, args = [] }) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-bench-chromium-'));
  // fd 3: commands to Chromium, fd 4: its answers and events, each a JSON text ended by NUL.
  const child = spawn(executablePath, [...CHROMIUM_FLAGS, ...args, '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  const browser = new Browser(child, profile);
  try {
    const v = await browser.send('Browser.getVersion');
    browser.product = v.product;
  } catch (e) {
    await browser.close();
    throw new Error(`Chromium did not answer on its debugging pipe: ${e.message}\n${browser.stderr}`);
  }
  return browser;
}

class Browser {
  constructor(child, profile) {
    this.child = child;
    this.profile = profile;
    this.pending = new Map();
    this.listeners = new Set();
    this.nextId = 1;
    this.stderr = '';
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s) => (this.stderr = (this.stderr + s).slice(-4000)));
    let buf = '';
    child.stdio[4].setEncoding('utf8');
    child.stdio[4].on('data', (s) => {
      buf += s;
      let i;
      while ((i = buf.indexOf('\0')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        this.dispatch(msg);
      }
    });
    child.once('exit', (code, signal) => {
      const err = new Error(`Chromium exited (${code ?? signal})\n${this.stderr}`);
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
    });
    // A write to a dead Chromium must fail its request, not crash the process.
    child.stdio[3].on('error', () => {});
  }

  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}${msg.error.data ? ` (${msg.error.data})` : ''}`));
      else p.resolve(msg.result);
    } else for (const fn of this.listeners) fn(msg);
  }

  send(method, params = {}, sessionId) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, method });
      this.child.stdio[3].write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Resolves with the first event `method` (of `sessionId`) for which `pred` holds. */
  once(method, sessionId, pred = () => true) {
    return new Promise((resolve) => {
      const fn = (msg) => {
        if (msg.method === method && msg.sessionId === sessionId && pred(msg.params)) {
          this.listeners.delete(fn);
          resolve(msg.params);
        }
      };
      this.listeners.add(fn);
    });
  }

  version() {
    return this.product;
  }

  /** A page in a fresh browser context: no cache, cookies or storage shared with other pages. */
  async newPage({ width = 1280, height = 900, initScripts = [] } = {}) {
    const { browserContextId } = await this.send('Target.createBrowserContext', { disposeOnDetach: true });
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank', browserContextId, width, height });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, browserContextId, sessionId);
    await this.send('Page.enable', {}, sessionId);
    // Errors are kept in the page rather than streamed: Runtime.enable would report every
    // console call over the pipe while the page is being measured.
    await page.addInitScript(() => {
      const errors = (window.__benchErrors = []);
      addEventListener('error', (e) => errors.push(`error: ${e.message}`));
      addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${e.reason}`));
      const ce = console.error;
      console.error = (...a) => (errors.push(`console.error: ${a.join(' ')}`), ce.apply(console, a));
    });
    for (const s of initScripts) await page.addInitScript(s);
    return page;
  }

  async close() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

class Page {
  constructor(browser, contextId, sessionId) {
    this.browser = browser;
    this.contextId = contextId;
    this.sessionId = sessionId;
  }

  send(method, params) {
    return this.browser.send(method, params, this.sessionId);
  }

  addInitScript(fn, arg) {
    return this.send('Page.addScriptToEvaluateOnNewDocument', { source: `(${fn})(${JSON.stringify(arg)});` });
  }

  async goto(url, { timeout = 30_000 } = {}) {
    const loaded = this.browser.once('Page.loadEventFired', this.sessionId);
    const r = await this.send('Page.navigate', { url });
    if (r.errorText) throw new Error(`navigation to ${url} failed: ${r.errorText}`);
    await withTimeout(loaded, timeout, `load event of ${url}`);
  }

  /** Runs fn(arg) in the page and returns its (awaited, JSON-able) result. */
  evaluate(fn, arg) {
    return this.evaluateExpression(`(${fn})(${JSON.stringify(arg)})`);
  }

  async evaluateExpression(expression) {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`in page: ${d.exception?.description || d.text}`);
    }
    return r.result.value;
  }

  /**
   * Polls fn(arg) in the page every `polling` ms until it returns something truthy, and returns
   * that. The node-side timeout also catches a renderer too busy to run the page's timers.
   */
  waitFor(fn, arg, { polling = 100, timeout = 30_000, what = 'page condition' } = {}) {
    const poll = (f, a, every) =>
      new Promise((resolve, reject) => {
        const tick = () => {
          try {
            const v = f(a);
            if (v) resolve(v);
            else setTimeout(tick, every);
          } catch (e) {
            reject(e);
          }
        };
        tick();
      });
    const expression = `(${poll})((${fn}), ${JSON.stringify(arg)}, ${Number(polling)})`;
    return withTimeout(this.evaluateExpression(expression), timeout, what);
  }

  errors() {
    return this.evaluate(() => window.__benchErrors || []).catch(() => []);
  }

  collectGarbage() {
    return this.send('HeapProfiler.collectGarbage');
  }

  close() {
    return this.browser.send('Target.disposeBrowserContext', { browserContextId: this.contextId }).catch(() => {});
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}
