// Saved connections as a user keeps them: two brokers saved with their subscriptions, found
// again after the browser restarts, opened by a profile= link; everything kept exported as one
// file, wiped, previewed and imported back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';

const T = 15_000;
const TEST_TIMEOUT = 90_000;

before(async () => {
  await h.startBroker();
  await h.serveDist();
});

after(async () => {
  await h.stopServing();
  await h.stopBroker();
});

const saved = (page) => page.getByLabel('Saved connection', { exact: true });
const savedStatus = (page) => page.getByRole('region', { name: 'Saved connections' }).getByRole('status');

async function savedNames(page) {
  // allTextContents does not wait: right after a load the app may not have rendered yet.
  await saved(page).locator('option').first().waitFor({ state: 'attached' });
  return saved(page).locator('option').allTextContents();
}

async function saveAs(page, name) {
  await page.getByLabel('Connection name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save connection', exact: true }).click();
  await savedStatus(page).filter({ hasText: `Saved "${name}"` }).waitFor();
}

async function waitConnected(page) {
  await page.getByRole('status').filter({ hasText: /\bConnected\b/ }).first().waitFor();
}

/** Publishes with mosquitto_pub and waits for the app's message list to show the payload. */
async function receives(page, topic, payload) {
  await h.mosquittoPub(['-t', topic, '-m', payload, '-q', '1']);
  await page.getByRole('tab', { name: 'Messages', exact: true }).click();
  await page.getByRole('list', { name: 'Messages', exact: true }).getByText(payload).first().waitFor();
}

test('two saved brokers survive a browser restart and bring their subscriptions', { timeout: TEST_TIMEOUT }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-profiles-'));
  // After-hooks run in the order they were added: the browser must be gone before its profile
  // directory is removed, or Chromium writes into it while it is being removed.
  t.after(async () => {
    await context?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const home = h.uid('home/');
  const lab = h.uid('lab/');

  let { context, page } = await h.launchPersistent(dir);
  await page.goto(h.appUrl({}));
  // A new user has nothing saved yet.
  assert.deepEqual(await savedNames(page), ['New connection']);

  // "Home": the anonymous listener with a subscription, saved while connected.
  await page.getByLabel('Broker URL', { exact: true }).fill(h.WS_URL);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitConnected(page);
  await h.subscribe(page, `${home}/#`);
  await saveAs(page, 'Home');
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();

  // "Lab": the password listener; its password is not remembered.
  await saved(page).selectOption({ label: 'New connection' });
  await page.getByLabel('Broker URL', { exact: true }).fill(h.WS_AUTH_URL);
  await page.getByLabel('Username', { exact: true }).fill('deck');
  await page.getByLabel('Password', { exact: true }).fill('secret');
  // A new connection starts without Home's subscriptions.
  assert.equal(await page.getByRole('list', { name: 'Subscriptions', exact: true }).getByRole('listitem').count(), 0);
  await saveAs(page, 'Lab');
  assert.deepEqual(await savedNames(page), ['New connection', 'Lab', 'Home']);
  const stored = await page.evaluate(() => localStorage.getItem('mqtt-deck.profiles'));
  assert.ok(!stored.includes('secret'), `a password not asked to be remembered was stored: ${stored}`);
  await context.close();

  // The browser restarts: both are there, last saved first.
  ({ context, page } = await h.launchPersistent(dir));
  t.after(() => context.close());
  await page.goto(h.appUrl({}).replace(/\?.*$/, ''));
  assert.deepEqual(await savedNames(page), ['New connection', 'Lab', 'Home']);

  // Opening "Home" fills the form; connecting subscribes its filter again.
  await saved(page).selectOption({ label: 'Home' });
  assert.equal(await page.getByLabel('Broker URL', { exact: true }).inputValue(), h.WS_URL);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitConnected(page);
  await page
    .getByRole('list', { name: 'Subscriptions', exact: true })
    .getByRole('listitem')
    .filter({ hasText: `${home}/#` })
    .filter({ hasText: /granted QoS/ })
    .first()
    .waitFor();
  await receives(page, `${home}/lamp`, 'home-after-restart');
  await page.getByRole('tab', { name: 'Connection', exact: true }).click().catch(() => {});
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();

  // "Lab" opens with its user; typing the password connects to the password listener.
  await saved(page).selectOption({ label: 'Lab' });
  assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), 'deck');
  await page.getByLabel('Password', { exact: true }).fill('secret');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitConnected(page);
  assert.deepEqual(page.errors, []);
});

test('a profile= link opens that saved connection and connects', { timeout: TEST_TIMEOUT }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-profiles-'));
  // After-hooks run in the order they were added: the browser must be gone before its profile
  // directory is removed, or Chromium writes into it while it is being removed.
  t.after(async () => {
    await context?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const { context, page } = await h.launchPersistent(dir);
  t.after(() => context.close());
  const topic = h.uid('linked/');
  await page.goto(h.appUrl({}));
  await page.getByLabel('Broker URL', { exact: true }).fill(h.WS_URL);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitConnected(page);
  await h.subscribe(page, `${topic}/#`);
  await saveAs(page, 'Porch broker');

  const base = h.appUrl({}).replace(/\?.*$/, '');
  await page.goto(`${base}?profile=${encodeURIComponent('Porch broker')}&connect=1`);
  await waitConnected(page);
  assert.equal(await saved(page).inputValue(), 'Porch broker');
  await receives(page, `${topic}/state`, 'porch-on');

  // A name this browser does not have says so instead of silently connecting elsewhere.
  await page.goto(`${base}?profile=Nowhere`);
  await page.getByRole('alert').filter({ hasText: 'saved connection "Nowhere"' }).waitFor();
});

test('export everything, clear storage, import: connections, panels, templates and theme are back, without passwords', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(await h.launchBrowser().then((b) => (t.after(() => b.close()), b)));
  await page.goto(h.appUrl({}));
  await page.getByLabel('Broker URL', { exact: true }).fill(h.WS_URL);
  await saveAs(page, 'Home');
  await page.getByLabel('Broker URL', { exact: true }).fill(h.WS_AUTH_URL);
  await page.getByLabel('Username', { exact: true }).fill('deck');
  await page.getByLabel('Password', { exact: true }).fill('secret');
  await page.getByLabel('Remember password', { exact: true }).check();
  await saveAs(page, 'Lab');
  await page.getByLabel('Theme', { exact: true }).selectOption('dark');
  // A template and a panel, made as a user makes them.
  await h.show(page, 'Publish');
  await page.getByLabel('Topic', { exact: true }).fill('home/porch/set');
  await page.getByLabel('Payload', { exact: true }).fill('ON');
  await page.getByLabel('Template name', { exact: true }).fill('Porch on');
  await page.getByRole('button', { name: 'Save template', exact: true }).click();
  await page.getByRole('button', { name: 'Send template Porch on', exact: true }).waitFor();
  await h.show(page, 'Panel');
  const panel = page.getByRole('region', { name: 'Device panel', exact: true });
  await panel.getByRole('button', { name: 'New panel', exact: true }).click();
  await panel.getByRole('button', { name: 'Panel 1', exact: true }).waitFor();
  await h.show(page, 'Connection');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export everything to a file', exact: true }).click(),
  ]);
  const file = await download.path();
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(!text.includes('secret'), `the export carries a password: ${text}`);

  await page.evaluate(() => localStorage.clear());
  await page.reload();
  assert.deepEqual(await savedNames(page), ['New connection']);
  // Nothing changes before the user chooses, and the preview says what the file holds.
  const { preview } = await h.importFile(page, 'deck.json', fs.readFileSync(file));
  await preview.filter({ hasText: 'The file holds 2 saved connections, 1 panel, 1 template, the dark theme. Merge adds them' }).waitFor();
  assert.deepEqual(await savedNames(page), ['New connection']);
  await preview.getByRole('button', { name: 'Merge file into this browser', exact: true }).click();
  await savedStatus(page).filter({ hasText: 'Imported deck.json' }).waitFor();
  const everythingIsBack = async () => {
    assert.deepEqual(await savedNames(page), ['New connection', 'Lab', 'Home']);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    // The template was saved under "Lab": it is that connection's.
    await saved(page).selectOption({ label: 'Lab' });
    await h.show(page, 'Publish');
    await page.getByRole('button', { name: 'Send template Porch on', exact: true }).waitFor();
    await h.show(page, 'Panel');
    await panel.getByRole('button', { name: 'Panel 1', exact: true }).waitFor();
    await h.show(page, 'Connection');
  };
  await everythingIsBack();
  // And it was stored: a reload finds it all again.
  await page.reload();
  await everythingIsBack();

  // A broken file changes nothing and says why, naming the part and the field.
  await h.importFile(page, 'broken.json', '{"format":"mqtt-deck-config","version":1,"connections":{"profiles":[{"name":"x","settings":{"keep_alive":"soon"}}]}}');
  await savedStatus(page).filter({ hasText: 'broken.json was not imported, nothing changed: connections: saved connection 1' }).waitFor();
  assert.deepEqual(await savedNames(page), ['New connection', 'Lab', 'Home']);
  // A file of a later version is refused rather than half read.
  await h.importFile(page, 'future.json', '{"format":"mqtt-deck-config","version":9}');
  await savedStatus(page).filter({ hasText: 'future.json was not imported, nothing changed: it was written by a newer MQTT Deck (version 9)' }).waitFor();
  assert.deepEqual(page.errors, []);
});

test('a password remembered under a passphrase is stored sealed and opened with it on connecting', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(await h.launchBrowser().then((b) => (t.after(() => b.close()), b)));
  await page.goto(h.appUrl({}));
  await page.getByLabel('Broker URL', { exact: true }).fill(h.WS_AUTH_URL);
  await page.getByLabel('Username', { exact: true }).fill('deck');
  await page.getByLabel('Password', { exact: true }).fill('secret');
  await page.getByLabel('Remember password', { exact: true }).check();
  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse');
  await saveAs(page, 'Sealed');
  const stored = await page.evaluate(() => localStorage.getItem('mqtt-deck.profiles'));
  assert.ok(!stored.includes('secret') && !stored.includes('correct horse'), `stored in the clear: ${stored}`);
  assert.match(stored, /"sealed_password":"v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+"/);

  // After a reload the saved connection opens with its password sealed: the passphrase opens it.
  await page.reload();
  await saved(page).selectOption({ label: 'Sealed' });
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
  await page.getByLabel('Passphrase', { exact: true }).fill('wrong horse');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'The passphrase does not open the saved password' }).waitFor();
  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await waitConnected(page);
  assert.deepEqual(page.errors, []);
});

test('an unreadable saved record is reported and kept aside, not lost', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await h.newPage(await h.launchBrowser().then((b) => (t.after(() => b.close()), b)));
  await page.goto(h.appUrl({}));
  // Once the app runs it stores its (empty) list: write the broken record after that.
  await saved(page).waitFor();
  await page.evaluate(() => localStorage.setItem('mqtt-deck.profiles', '{"profiles":[{"name":'));
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'Saved connections could not be read' }).waitFor();
  const kept = await page.evaluate(() => localStorage.getItem('mqtt-deck.profiles.unreadable'));
  assert.equal(kept, '{"profiles":[{"name":');
});
