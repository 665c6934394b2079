// Browser specs for a hostile broker: the page's Content-Security-Policy is in force, an
// injection corpus (HTML and script, right-to-left overrides, zero-width characters, a 1 MB line)
// in topics, payloads, user properties, discovery names, device names, panel titles and imported
// files renders as inert text in every view and export, and passwords stay where the user put
// them.
//
// Mosquitto from scripts/broker.sh as in the other specs; the 1 MB line goes through aedes in
// this process instead, because Mosquitto sends large websocket messages slowly (monitor.spec).
// Every attack, had it run, would add its name to window.__deckPwned, and every element it could
// create carries a data-pwn attribute; the harness fails any test whose pages report a
// Content-Security-Policy violation, which is also what an injected script would cause.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import mqtt from 'mqtt';
import * as h from './harness.mjs';
import { startAedes } from './brokers.mjs';
import { policyOf } from './csp.mjs';

const T = 15_000;
const TEST_TIMEOUT = 90_000;
const CONNECTED = /\bConnected\b/;
const AEDES_PORT = h.BASE + 20;

let env;

before(async () => {
  env = await h.setup();
});

after(async () => {
  await h.teardown(env?.browser);
});

// ------------------------------------------------------------------ the corpus

const pwn = (name) => `window.__deckPwned=(window.__deckPwned||[]).concat('${name}')`;

/** HTML and script a careless renderer would run; none holds a "/" so each can be a topic level. */
const LEVEL_ATTACKS = [
  `<img src=x data-pwn onerror="${pwn('img')}">`,
  `"><svg data-pwn onload="${pwn('svg')}">`,
  `'><details data-pwn open ontoggle="${pwn('details')}">`,
  `<a data-pwn href="javascript:${pwn('href')}">click`,
];
/** The same and more for payloads and names, where "/" is allowed. */
const ATTACKS = [
  ...LEVEL_ATTACKS,
  `<script data-pwn>${pwn('script')}</script>`,
  `<iframe data-pwn srcdoc="<script>parent.${pwn('iframe')}</script>"></iframe>`,
  `<style data-pwn>*{visibility:hidden!important}</style>`,
  `<math><mtext><table><mglyph><style><img data-pwn src=x onerror="${pwn('mxss')}">`,
];
const RTL = 'invoice\u202Efdp.exe';
const ZERO_WIDTH = 'zero\u200Bwidth\u200Djoin\uFEFFbom';
/** Cells a spreadsheet would run as formulas. */
const FORMULAS = ['=HYPERLINK("http://example.invalid","x")', "+cmd|' /C calc'!A0", '-2+3+cmd', '@SUM(A1:A2)'];

// ------------------------------------------------------------------ helpers

async function pageState(page) {
  const text = async (loc) => (await loc.innerText({ timeout: 1000 }).catch(() => '(missing)')).slice(0, 1500);
  return [
    `status: ${await text(page.getByRole('status').first())}`,
    `page errors:\n${page.errors.join('\n') || '(none)'}`,
  ].join('\n');
}

async function waitFor(page, locator, what, timeout = T) {
  try {
    await locator.waitFor({ timeout });
  } catch (e) {
    throw new Error(`waiting for ${what}: ${e.message.split('\n')[0]}\n${await pageState(page)}`);
  }
}

async function waitUntil(page, fn, arg, what, timeout = T) {
  try {
    return await page.waitForFunction(fn, arg, { timeout });
  } catch (e) {
    throw new Error(`waiting for ${what}: ${e.message.split('\n')[0]}\n${await pageState(page)}`);
  }
}

/** The app connected to `url` (the anonymous Mosquitto listener unless told), subscribed to `sub`. */
async function openApp(t, { url, sub } = {}) {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.goto(h.appUrl({ url, client_id: h.uid('deck-inj-'), version: '5', connect: 1, sub, sub_qos: 1 }));
  await waitFor(page, page.getByRole('status').filter({ hasText: CONNECTED }).first(), 'status "Connected"');
  if (sub) {
    const granted = page.getByRole('list', { name: 'Subscriptions', exact: true }).getByRole('listitem').filter({ hasText: /granted QoS/ });
    await waitFor(page, granted.first(), `subscription ${sub} granted`);
  }
  return page;
}

/**
 * Nothing injected exists or ran: no element an attack would create, no element with an
 * inline handler or a javascript: link, no attack's side effect, and the page still paints.
 */
async function assertInert(page, where) {
  const found = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('*')) {
      if (el.hasAttribute('data-pwn')) bad.push(el.outerHTML.slice(0, 100));
      for (const a of el.attributes) {
        if (/^on/i.test(a.name) || a.name === 'srcdoc' || /^\s*javascript:/i.test(a.value)) bad.push(`${el.localName}[${a.name}]`);
      }
    }
    const frames = document.querySelectorAll('iframe, frame, object, embed').length;
    return { bad, frames, pwned: window.__deckPwned ?? null, visible: getComputedStyle(document.body).visibility };
  });
  assert.deepEqual(found, { bad: [], frames: 0, pwned: null, visible: 'visible' }, `${where}: injected markup is live`);
  assert.deepEqual(page.errors, [], `${where}: the page reported errors`);
  // Responsive: a frame is painted soon (a hung renderer would time out here).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}

/** Asserts every string in `texts` appears, as text, in `locator`. */
async function assertShown(locator, texts, where) {
  const shown = await locator.innerText();
  for (const text of texts) assert.ok(shown.includes(text), `${where} does not show ${JSON.stringify(text)} as text:\n${shown.slice(0, 3000)}`);
}

/**
 * In a legend entry, the Remove button comes after the end of the name: below its last line
 * fragment or to its right. A leaking override would reverse the button into the name's line.
 */
function removeFollowsName(li) {
  const rects = [...li.querySelector('.mono').getClientRects()];
  const b = li.querySelector('button').getBoundingClientRect();
  const last = rects[rects.length - 1];
  return rects.every((r) => b.top >= r.bottom - 1 || b.left >= r.right - 1) || b.top >= last.bottom - 1;
}

const tree = (page) => page.getByRole('list', { name: 'Topics', exact: true });
const detail = (page) => page.getByRole('region', { name: 'Topic detail', exact: true });
const panelRegion = (page) => page.getByRole('region', { name: 'Device panel', exact: true });

/** Expands every ancestor of `path` that is still collapsed, then opens the topic in the detail. */
async function selectTopic(page, path) {
  const levels = path.split('/');
  for (let i = 1; i < levels.length; i++) {
    const prefix = levels.slice(0, i).join('/');
    const collapse = tree(page).getByRole('button', { name: `Collapse ${prefix}`, exact: true });
    if (await collapse.count()) continue;
    const expand = tree(page).getByRole('button', { name: `Expand ${prefix}`, exact: true });
    await waitFor(page, expand, `button "Expand ${prefix}"`);
    await expand.click();
    await waitFor(page, collapse, `button "Collapse ${prefix}"`);
  }
  await tree(page).getByRole('button', { name: `Topic ${path}`, exact: true }).click();
  await waitFor(page, detail(page).getByRole('heading', { level: 2 }).filter({ hasText: path }), `detail of ${path}`);
}

async function waitReceived(page, n, timeout = T) {
  await waitUntil(
    page,
    (n) => Number(document.querySelector('[aria-label="Messages received"]')?.textContent.trim()) >= n,
    n,
    `"Messages received" >= ${n}`,
    timeout,
  );
}

/** Publishes each of `payloads` to `topic` in order, one mosquitto_pub per message (payloads may hold line breaks). */
async function publishAll(topic, payloads, extra = []) {
  for (const p of payloads) await h.mosquittoPub(['-V', 'mqttv5', '-q', '1', '-t', topic, ...extra, '-s'], { input: p });
}

async function download(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), button.click()]);
  assert.equal(await dl.failure(), null);
  return fs.readFileSync(await dl.path(), 'utf8');
}

/** RFC 4180 CSV into rows of fields. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

// ------------------------------------------------------------------ specs

test('the policy is in force: injected inline script and style and a plain HTTP fetch are refused and reported', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  await page.goto(h.appUrl());
  await waitFor(page, page.getByRole('button', { name: 'Connect', exact: true }), 'the Connect button');
  const policy = policyOf(fs.readFileSync(`${h.DIST}/index.html`, 'utf8'));
  assert.ok(policy, 'dist/index.html has no Content-Security-Policy');
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'|\*/);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/]+=*'){3,}(;|$)/);

  // Something that did get past the app would be stopped here, and the harness would hear of it.
  const other = `http://127.0.0.1:${await h.closedPort()}/`;
  const result = await page.evaluate(async (other) => {
    const s = document.createElement('script');
    s.textContent = "window.__deckPwned = 'inline script'";
    document.body.append(s);
    const d = document.createElement('div');
    d.setAttribute('style', 'color: red');
    document.body.append(d);
    const fetched = await fetch(other).then(
      () => 'fetched',
      (e) => e.name,
    );
    return { pwned: window.__deckPwned ?? null, styled: getComputedStyle(d).color === 'rgb(255, 0, 0)', fetched };
  }, other);
  assert.deepEqual(result, { pwned: null, styled: false, fetched: 'TypeError' });
  // Both ways of hearing of them: the page's event and Chromium's console.
  const expected = ['script-src-elem refused', 'style-src-attr refused', 'connect-src refused', 'console: Executing inline script violates', 'console: Applying inline style violates', 'console: Connecting to'];
  const missing = () => expected.filter((e) => !h.cspViolations.some((v) => v.includes(e)));
  const deadline = Date.now() + T;
  while (missing().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(missing(), [], `violations seen: ${h.cspViolations.join('\n')}`);
  // These were caused on purpose; the harness must not fail the test for them (nor the next).
  await page.context().close();
  h.cspViolations.splice(0);
});

test('topics, payloads and user properties: tree, messages, detail, changes, chart and exports show the corpus as text', { timeout: 180_000 }, async (t) => {
  const base = `inj-${h.uid()}`;
  const page = await openApp(t, { sub: `${base}/#` });

  // Topics whose levels are attacks, RTL overrides and zero-width characters, each with a number.
  const levelTopics = [...LEVEL_ATTACKS, RTL, ZERO_WIDTH].map((level) => `${base}/t/${level}`);
  for (const [i, topic] of levelTopics.entries()) await publishAll(topic, [String(i + 1)]);
  // Every attack and formula as a payload of one topic, and as user properties of another.
  const all = `${base}/all`;
  const payloads = [...ATTACKS, ...FORMULAS, `${RTL} ${ZERO_WIDTH}`];
  await publishAll(all, payloads);
  const props = `${base}/props`;
  await publishAll(props, ['with properties'], [
    '-D', 'publish', 'user-property', ATTACKS[0], ATTACKS[4],
    '-D', 'publish', 'user-property', RTL, ATTACKS[5],
    '-D', 'publish', 'content-type', ATTACKS[1],
  ]);
  // Two JSON documents whose keys and values are attacks, for the changes list and the chart.
  const json = `${base}/json`;
  await publishAll(json, [
    JSON.stringify({ [ATTACKS[0]]: 1, value: ATTACKS[4], [RTL]: 'a' }),
    JSON.stringify({ [ATTACKS[0]]: 2, value: ATTACKS[5], [ZERO_WIDTH]: ATTACKS[1] }),
  ]);
  const total = levelTopics.length + payloads.length + 1 + 2;
  await waitReceived(page, total);
  await assertInert(page, 'the tree');

  // Tree: every level shown as its text (each row's topic button names it too).
  await tree(page).getByRole('button', { name: `Expand ${base}`, exact: true }).click();
  await tree(page).getByRole('button', { name: `Expand ${base}/t`, exact: true }).click();
  for (const topic of levelTopics) {
    await waitFor(page, tree(page).getByRole('button', { name: `Topic ${topic}`, exact: true }), `tree node ${JSON.stringify(topic)}`);
  }
  await assertShown(tree(page), [...LEVEL_ATTACKS, RTL, ZERO_WIDTH], 'the tree');
  await assertInert(page, 'the expanded tree');

  // Detail of a topic named by an attack, then the one holding every payload: the latest in the
  // payload view, all in the history.
  await selectTopic(page, levelTopics[0]);
  await assertShown(detail(page).getByRole('heading', { level: 2 }), [LEVEL_ATTACKS[0]], 'the detail heading');
  await selectTopic(page, all);
  await assertShown(detail(page).getByLabel('Payload', { exact: true }), [`${RTL} ${ZERO_WIDTH}`], 'the payload view');
  await assertShown(detail(page).getByRole('list', { name: 'Topic history', exact: true }), [...ATTACKS, ...FORMULAS], 'the topic history');
  await assertInert(page, 'the detail');

  // Exports: JSON holds every payload as it came; CSV too, but formulas are defused.
  const exported = JSON.parse(await download(page, detail(page).getByRole('button', { name: 'Export topic JSON', exact: true })));
  assert.deepEqual(exported.map((r) => r.payload), payloads);
  const rows = parseCsv(await download(page, detail(page).getByRole('button', { name: 'Export topic CSV', exact: true })));
  const cells = rows.slice(1).map((r) => r[5]);
  assert.deepEqual(cells, [...ATTACKS, ...FORMULAS.map((f) => `'${f}`), `${RTL} ${ZERO_WIDTH}`]);
  const allRows = parseCsv(await download(page, page.getByRole('button', { name: 'Export all CSV', exact: true })));
  for (const r of allRows.slice(1)) {
    for (const cell of [r[1], r[5]]) assert.doesNotMatch(cell, /^[=+@-]/, `a formula cell in the CSV of everything: ${cell}`);
  }

  // User properties and content type in the properties table.
  await selectTopic(page, props);
  const table = detail(page).getByRole('table', { name: 'Message properties' });
  await waitFor(page, table, 'the properties table');
  await assertShown(table, [ATTACKS[0], ATTACKS[4], RTL, ATTACKS[5], ATTACKS[1]], 'the properties table');
  await assertInert(page, 'the properties table');

  // Changes between the two JSON documents, and a chart of an attack-named JSON value.
  await selectTopic(page, json);
  const changes = detail(page).getByRole('list', { name: 'Changes since previous message', exact: true });
  await waitFor(page, changes, 'the Changes list');
  // Keys as they are, values as JSON (so with their quotes escaped).
  await assertShown(changes, [ATTACKS[0], JSON.stringify(ATTACKS[4]), JSON.stringify(ATTACKS[5]), RTL, ZERO_WIDTH], 'the changes list');
  await assertInert(page, 'the changes list');
  await detail(page).getByRole('button', { name: 'Add to chart', exact: true }).click();
  const chart = page.getByRole('region', { name: 'Chart', exact: true });
  await waitFor(page, chart.getByRole('img'), 'the chart');
  // (The value's path may quote the key's own quotes, so its start is what is looked for.)
  await assertShown(chart.getByRole('list'), [json, ATTACKS[0].slice(0, 20)], 'the chart legend');
  // Topics named by attacks and overrides on the same chart.
  for (const topic of [levelTopics[1], levelTopics[LEVEL_ATTACKS.length]]) {
    await selectTopic(page, topic);
    await detail(page).getByRole('button', { name: 'Add to chart', exact: true }).click();
    await waitFor(page, chart.getByRole('button', { name: `Remove ${topic} from chart`, exact: true }), `${topic} on the chart`);
  }
  assert.ok((await chart.getByRole('img').getAttribute('aria-label')).includes(`${levelTopics[1]}: 1 point`));
  // An override in one legend entry does not reorder the others: each entry's Remove button
  // stays to the right of its name.
  for (const item of await chart.getByRole('list').getByRole('listitem').all()) {
    assert.ok(await item.evaluate(removeFollowsName), `a legend's Remove button moved into or before its name: ${await item.innerText()}`);
  }
  await assertInert(page, 'the chart');

  // The message list, where every message is a row.
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  const list = page.getByRole('list', { name: 'Messages', exact: true });
  await waitFor(page, list.locator('li.message').first(), 'a message row');
  await assertShown(list, [LEVEL_ATTACKS[0], `${RTL} ${ZERO_WIDTH}`, FORMULAS[0]], 'the message list');
  await assertInert(page, 'the message list');
  assert.deepEqual(page.errors, []);
});

test('discovery names, device names, panel titles and imported files show as text on the panel', { timeout: TEST_TIMEOUT }, async (t) => {
  const id = h.uid('inj');
  const base = `inj-${id}`;
  const haConfig = `homeassistant/switch/${id}/config`;
  const z2m = 'zigbee2mqtt/bridge/devices';
  t.after(async () => {
    await h.mosquittoPub(['-t', haConfig, '-r', '-n', '-q', '1']);
    await h.mosquittoPub(['-t', z2m, '-r', '-n', '-q', '1']);
  });
  await h.mosquittoPub(['-t', haConfig, '-r', '-q', '1', '-m', JSON.stringify({
    name: ATTACKS[0],
    unique_id: id,
    state_topic: `${base}/ha/state`,
    command_topic: `${base}/ha/set`,
    device: { identifiers: [id], name: ATTACKS[4], manufacturer: ATTACKS[5], model: RTL },
  })]);
  const friendly = LEVEL_ATTACKS[1];
  await h.mosquittoPub(['-t', z2m, '-r', '-q', '1', '-m', JSON.stringify([{
    ieee_address: '0x00158d0001ffffff',
    type: 'EndDevice',
    friendly_name: friendly,
    definition: {
      model: ATTACKS[6],
      vendor: ATTACKS[7],
      description: ZERO_WIDTH,
      exposes: [{ type: 'numeric', name: 'temperature', property: 'temperature', unit: ATTACKS[0], access: 1 }],
    },
  }])]);
  await h.mosquittoPub(['-t', `${base}/ha/state`, '-q', '1', '-m', ATTACKS[4]]);

  const page = await openApp(t);
  await page.getByRole('tab', { name: 'Panel', exact: true }).click();
  const region = panelRegion(page);
  await waitFor(page, region.getByRole('button', { name: `Pin ${ATTACKS[0]}` }).first(), 'the discovered switch card');
  await waitUntil(page, (name) => document.querySelector('section[aria-label="Device panel"]')?.innerText.includes(name), friendly, 'the Zigbee2MQTT card');
  await assertShown(region, [ATTACKS[0], friendly], 'the discovered cards');
  await assertInert(page, 'the discovered panel');

  // An imported file whose panel and widget names are attacks.
  await region.getByRole('button', { name: 'New panel', exact: true }).click();
  await region.getByText('Edit panel', { exact: true }).click();
  const doc = {
    format: 'mqtt-deck-panel',
    version: 1,
    panel: {
      id: 'p-inj',
      name: ATTACKS[5],
      widgets: [
        { id: 'w1', name: ATTACKS[4], kind: { type: 'switch' }, state: { topic: `${base}/ha/state`, extract: '' }, command: { topic: `${base}/ha/set`, qos: 0, retain: false } },
        { id: 'w2', name: `${RTL} ${ZERO_WIDTH}`, kind: { type: 'sensor' }, unit: ATTACKS[7], state: { topic: `${base}/s`, extract: '' } },
      ],
    },
  };
  const file = await h.importFile(page, 'attacks.json', JSON.stringify(doc));
  await waitFor(page, file.preview, 'the import preview');
  await assertInert(page, 'the import preview');
  await file.preview.getByRole('button', { name: 'Merge file into this browser', exact: true }).click();
  await waitFor(page, file.status.filter({ hasText: 'Imported attacks.json' }), 'the import outcome');
  await h.show(page, 'Panel');
  await region.getByRole('button', { name: ATTACKS[5], exact: true }).click();
  await waitFor(page, region.getByRole('article', { name: ATTACKS[4], exact: true }), 'the imported card named by an attack');
  await h.mosquittoPub(['-t', `${base}/s`, '-q', '1', '-m', ATTACKS[6]]);
  await waitUntil(page, (t) => document.querySelector('section[aria-label="Device panel"]')?.innerText.includes(t), ATTACKS[6], 'the sensor showing an attack as its value');
  await assertShown(region, [ATTACKS[5], ATTACKS[4], `${RTL} ${ZERO_WIDTH}`], 'the imported panel');
  await assertInert(page, 'the imported panel');

  // A rejected import quotes nothing of the file as markup either.
  const rejected = await h.importFile(page, 'attacks.json', `{"panels": ${ATTACKS[4]}`);
  await waitFor(page, rejected.status.filter({ hasText: /^attacks\.json was not imported/ }), 'the rejection');
  await assertInert(page, 'the rejected import');
  assert.deepEqual(page.errors, []);
});

test('a 1 MB line of markup, overrides and zero-width characters leaves every view responsive and inert', { timeout: TEST_TIMEOUT }, async (t) => {
  const aedes = await startAedes(AEDES_PORT);
  t.after(() => aedes.close());
  const base = `inj-${h.uid()}`;
  const page = await openApp(t, { url: aedes.url, sub: `${base}/#` });
  const unit = `${ATTACKS.join('')}${RTL}${ZERO_WIDTH}`;
  const line = unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20);
  const topic = `${base}/big`;
  const publisher = await mqtt.connectAsync(aedes.url, { protocolVersion: 4 });
  t.after(() => publisher.endAsync());
  await publisher.publishAsync(topic, line, { qos: 1 });
  await publisher.publishAsync(topic, `x${line}`, { qos: 1 });
  await waitReceived(page, 2, 60_000);

  await selectTopic(page, topic);
  await waitFor(page, detail(page).getByText(/Showing the first/).first(), 'the truncation note');
  await assertShown(detail(page).getByLabel('Payload', { exact: true }), [ATTACKS[0]], 'the payload view');
  await assertInert(page, 'the 1 MB line in the detail');
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  const list = page.getByRole('list', { name: 'Messages', exact: true });
  await waitFor(page, list.locator('li.message').first(), 'a message row');
  assert.ok((await list.innerText()).length < 20_000, 'the message list renders whole megabyte lines');
  await assertInert(page, 'the 1 MB line in the message list');

  // Still connected and live.
  await publisher.publishAsync(`${base}/after`, 'still here', { qos: 1 });
  await waitReceived(page, 3);
  assert.match(await page.getByRole('status').first().innerText(), CONNECTED);
  assert.deepEqual(page.errors, []);
});

test('a password is kept nowhere unless "Remember password" is ticked, and then only in the saved settings and connections', { timeout: TEST_TIMEOUT }, async (t) => {
  // The protected listener's one user (scripts/broker.sh); nothing else in this test says "secret".
  const password = 'secret';
  const page = await h.newPage(env.browser);
  t.after(() => page.context().close());
  const logged = [];
  page.on('console', (m) => logged.push(m.text()));
  const topic = `inj-${h.uid()}/kept`;
  await page.goto(h.appUrl({ url: h.WS_AUTH_URL, client_id: h.uid('deck-pw-') }));

  /** Every place the page could have put the password, as [where, text] pairs. */
  // The build's own files are cached too, and the app's text says "Secret access key": their
  // bodies cannot hold what was typed, so only their addresses are searched.
  const built = fs.readdirSync(h.DIST);
  const places = () =>
    page.evaluate(async (built) => {
      const out = [['url', location.href], ['history state', JSON.stringify(history.state)], ['title', document.title], ['cookies', document.cookie]];
      for (const [name, store] of [['localStorage', localStorage], ['sessionStorage', sessionStorage]]) {
        for (let i = 0; i < store.length; i++) out.push([`${name} ${store.key(i)}`, store.getItem(store.key(i))]);
      }
      for (const db of await indexedDB.databases()) {
        const conn = await new Promise((resolve, reject) => {
          const req = indexedDB.open(db.name);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        for (const store of conn.objectStoreNames) {
          const all = conn.transaction(store).objectStore(store).getAll();
          out.push([`indexedDB ${db.name} ${store}`, await new Promise((r) => (all.onsuccess = () => r(JSON.stringify(all.result))))]);
        }
        conn.close();
      }
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) {
          const file = new URL(req.url).pathname.split('/').pop();
          const body = built.includes(file) ? '' : await (await cache.match(req)).text();
          out.push([`cache ${name} ${req.url}`, `${req.url}\n${body}`]);
        }
      }
      return out;
    }, built);
  const holding = async () => (await places()).filter(([, v]) => String(v).includes(password)).map(([k]) => k);
  const exported = async () => {
    for (const name of ['Export all JSON', 'Export all CSV']) {
      const text = await download(page, page.getByRole('button', { name, exact: true }));
      assert.ok(text.includes('a message'), `${name} is empty`);
      assert.ok(!text.includes(password), `${name} holds the password`);
    }
    const everything = await download(page, page.getByRole('button', { name: 'Export everything to a file', exact: true }));
    assert.ok(!everything.includes(password), 'the export of everything holds the password');
  };
  const connectWith = async (remember, name) => {
    await page.getByLabel('Username', { exact: true }).fill('deck');
    await page.getByLabel('Password', { exact: true }).fill(password);
    const box = page.getByLabel('Remember password', { exact: true });
    if ((await box.isChecked()) !== remember) await box.click();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await waitFor(page, page.getByRole('status').filter({ hasText: CONNECTED }).first(), 'status "Connected"');
    const granted = page.getByRole('list', { name: 'Subscriptions', exact: true }).getByRole('listitem').filter({ hasText: /granted QoS/ });
    if ((await granted.count()) === 0) {
      await page.getByLabel('Topic filter', { exact: true }).fill(topic);
      await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    }
    await waitFor(page, granted.first(), `subscription ${topic} granted`);
    await h.mosquittoPub(['-t', topic, '-q', '1', '-m', 'a message']);
    await waitReceived(page, 1);
    await page.getByLabel('Connection name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Save connection', exact: true }).click();
    await waitFor(page, page.getByRole('region', { name: 'Saved connections' }).getByRole('status').filter({ hasText: `Saved "${name}"` }), `"${name}" saved`);
  };
  const reload = async () => {
    await page.reload();
    await waitFor(page, page.getByRole('button', { name: 'Connect', exact: true }), 'the form after a reload');
    return page.getByLabel('Password', { exact: true }).inputValue();
  };

  await connectWith(false, 'Lab');
  assert.deepEqual(await holding(), [], 'the password is kept with "Remember password" unticked');
  await exported();
  assert.equal(await reload(), '');
  assert.deepEqual(await holding(), [], 'the password is kept across a reload with "Remember password" unticked');

  // Ticked: in the connection settings and saved connections, what the box promises, and
  // nowhere else.
  const remembered = ['localStorage mqtt-deck.connection', 'localStorage mqtt-deck.profiles'];
  await connectWith(true, 'Lab remembered');
  assert.deepEqual((await holding()).sort(), remembered);
  await exported();
  assert.equal(await reload(), password);
  assert.deepEqual((await holding()).sort(), remembered);
  assert.deepEqual(logged.filter((l) => l.includes(password)), [], 'the console shows the password');
  assert.deepEqual(page.errors, []);
});
