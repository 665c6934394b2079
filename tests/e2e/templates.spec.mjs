// Publish templates and history as a user keeps them, against Mosquitto: a template saved,
// found again after the browser restarts, sent with one click (mosquitto_sub receives it with
// its QoS and retain flag), its outcome in the history and sent again from there; a broken JSON
// payload named with its line and column and refused; a saved connection shared as a link
// without its password; an unreadable templates record kept aside.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as h from './harness.mjs';

const T = 15_000;
const TEST_TIMEOUT = 90_000;

let browser;

before(async () => {
  await h.startBroker();
  await h.serveDist();
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await h.stopServing();
  await h.stopBroker();
});

async function waitConnected(page) {
  await page.getByRole('status').filter({ hasText: /\bConnected\b/ }).first().waitFor();
}

const templates = (page) => page.getByRole('region', { name: 'Publish templates' });
const history = (page) => page.getByRole('list', { name: 'Messages published', exact: true });

test('a saved template survives a restart, sends with one click, and its outcome is in the history', { timeout: TEST_TIMEOUT }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-templates-'));
  let context;
  t.after(async () => {
    await context?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const topic = `deck/${h.uid()}/porch/set`;
  t.after(() => h.mosquittoPub(['-t', topic, '-n', '-r']));

  let page;
  ({ context, page } = await h.launchPersistent(dir));
  await page.goto(h.appUrl({ connect: 1 }));
  await waitConnected(page);
  await page.getByLabel('Topic', { exact: true }).fill(topic);
  await page.getByLabel('Payload', { exact: true }).fill('{"state":"ON"}');
  await page.getByLabel('Payload format', { exact: true }).selectOption('json');
  await page.getByLabel('Publish QoS', { exact: true }).selectOption('1');
  await page.getByLabel('Retain', { exact: true }).check();
  await page.getByLabel('Template name', { exact: true }).fill('Porch on');
  await page.getByRole('button', { name: 'Save template', exact: true }).click();
  await templates(page).getByRole('status').filter({ hasText: 'Saved template "Porch on"' }).waitFor();
  await context.close();

  // The browser restarts: the template is there, under this broker, with an empty form.
  ({ context, page } = await h.launchPersistent(dir));
  await page.goto(h.appUrl({ connect: 1 }));
  await waitConnected(page);
  assert.equal(await page.getByLabel('Topic', { exact: true }).inputValue(), '');
  const list = page.getByRole('list', { name: `Templates of ${h.WS_URL}`, exact: true });
  await list.getByText('Porch on', { exact: true }).waitFor();

  const live = h.mosquittoSub(['-t', topic, '-q', '2', '-F', '%q|%p'], { count: 2, timeout: 20 });
  t.after(() => live.kill());
  await live.ready;
  await page.getByRole('button', { name: 'Send template Porch on', exact: true }).click();
  const entry = history(page).getByRole('listitem').filter({ hasText: topic });
  await entry.filter({ hasText: 'Acknowledged' }).waitFor();
  assert.equal(await entry.count(), 1);

  // Resend from the history: a second copy arrives and the history lists it first.
  await page.getByRole('button', { name: `Resend message 1 to ${topic}`, exact: true }).click();
  assert.deepEqual(await live.done, ['1|{"state":"ON"}', '1|{"state":"ON"}']);
  await page.getByRole('button', { name: `Resend message 2 to ${topic}`, exact: true }).waitFor();
  await entry.filter({ hasText: 'Acknowledged' }).nth(1).waitFor();

  // It was retained: a new subscriber gets it at once, marked retained.
  const later = h.mosquittoSub(['-t', topic, '-F', '%r|%p'], { count: 1 });
  assert.deepEqual(await later.done, ['1|{"state":"ON"}']);

  // A message from the history kept as a template: the name field offers its topic.
  await page.getByRole('button', { name: `Save message 2 to ${topic} as a template`, exact: true }).click();
  const name = page.getByLabel('Template name', { exact: true });
  assert.equal(await name.inputValue(), topic);
  await name.fill('Porch again');
  await page.getByRole('button', { name: 'Save template', exact: true }).click();
  await list.getByText('Porch again', { exact: true }).waitFor();
  assert.deepEqual(page.errors, []);
});

test('an unreadable templates record is reported and kept aside, not lost', { timeout: TEST_TIMEOUT }, async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  await page.goto(h.appUrl({}));
  await page.evaluate(() => localStorage.setItem('mqtt-deck.templates', '{"format":1,"templates":[{"name":"x","qos":7}]}'));
  await page.reload();
  await templates(page).getByRole('status').filter({ hasText: 'template 1: "qos" should be 0, 1 or 2' }).waitFor();
  const kept = await page.evaluate(() => localStorage.getItem('mqtt-deck.templates.unreadable'));
  assert.equal(kept, '{"format":1,"templates":[{"name":"x","qos":7}]}');
});

test('a broken JSON payload is named with its line and column and not published', { timeout: TEST_TIMEOUT }, async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  await page.goto(h.appUrl({ connect: 1 }));
  await waitConnected(page);
  const topic = `deck/${h.uid()}/json`;
  const payload = page.getByLabel('Payload', { exact: true });
  await page.getByLabel('Topic', { exact: true }).fill(topic);
  await page.getByLabel('Payload format', { exact: true }).selectOption('json');
  await payload.fill('{\n  "state": on\n}');
  // Said under the field as it is typed, and tied to it for screen readers.
  await page.locator('#pub-payload[aria-invalid="true"]').waitFor();
  const problem = 'The payload is not valid JSON: expected a value at line 2 column 12';
  await page.getByText(problem, { exact: true }).waitFor();
  const described = await payload.getAttribute('aria-describedby');
  assert.equal(await page.locator(`#${described}`).textContent(), problem);

  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: problem }).waitFor();
  assert.equal(await history(page).getByRole('listitem').count(), 0, 'nothing was sent');

  // Fixed, it goes out as typed.
  const sub = h.mosquittoSub(['-t', topic, '-F', '%p'], { count: 1 });
  t.after(() => sub.kill());
  await sub.ready;
  await payload.fill('{"state": "on"}');
  await page.locator('#pub-payload[aria-invalid="false"]').waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  assert.deepEqual(await sub.done, ['{"state": "on"}']);
  await history(page).getByRole('listitem').filter({ hasText: 'Sent' }).waitFor();
});

test('a saved connection shared as a link opens the same form, without its password', { timeout: TEST_TIMEOUT }, async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  await page.goto(h.appUrl({}));
  await page.getByLabel('Username', { exact: true }).fill('deck');
  await page.getByLabel('Password', { exact: true }).fill('s3cret-pass');
  await page.getByLabel('Connection name', { exact: true }).fill('Shared');
  await page.getByRole('button', { name: 'Save connection', exact: true }).click();
  const status = page.getByRole('region', { name: 'Saved connections' }).getByRole('status');
  await status.filter({ hasText: 'Saved "Shared"' }).waitFor();
  await page.getByRole('button', { name: 'Copy link to saved connection', exact: true }).click();
  await status.filter({ hasText: 'Link copied' }).waitFor();
  const link = (await status.textContent()).replace(/^.*?: /, '');
  assert.ok(link.startsWith('http'), link);
  assert.ok(!link.includes('s3cret'), `the link carries the password: ${link}`);

  // Someone else opens it: the same broker and user, no password.
  const other = await browser.newContext();
  t.after(() => other.close());
  const visitor = await other.newPage();
  visitor.setDefaultTimeout(T);
  await visitor.goto(link);
  assert.equal(await visitor.getByLabel('Broker URL', { exact: true }).inputValue(), h.WS_URL);
  assert.equal(await visitor.getByLabel('Username', { exact: true }).inputValue(), 'deck');
  assert.equal(await visitor.getByLabel('Password', { exact: true }).inputValue(), '');
});
