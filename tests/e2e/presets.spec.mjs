// Broker presets as a new user meets them: choosing one fills the URL and version and says
// what to know; the AWS IoT Core and Azure IoT Hub presets take keys instead of a URL, and the
// app opens the hub's WebSocket with credentials it signed itself. No cloud account is reached
// (this machine has no internet): the tests read the URL the page opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

const TEST_TIMEOUT = 60_000;
let browser;

before(async () => {
  await h.serveDist();
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await h.stopServing();
});

async function freshApp(t) {
  const page = await h.newPage(browser);
  t.after(() => page.context().close());
  await page.goto(h.appUrl({}).replace(/\?.*$/, ''));
  return page;
}

/** The next WebSocket the page opens. */
function nextSocket(page) {
  return page.waitForEvent('websocket').then((ws) => ws.url());
}

test('a plain preset fills the URL and version and explains itself', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await freshApp(t);
  await page.getByLabel('Broker preset').selectOption({ label: 'RabbitMQ Web MQTT' });
  assert.equal(await page.getByLabel('Broker URL', { exact: true }).inputValue(), 'ws://127.0.0.1:15675/ws');
  assert.equal(await page.getByLabel('MQTT version').inputValue(), '3.1.1');
  await page.getByText('MQTT 3.1.1 on /ws').waitFor();
  // Typing another URL makes it a custom connection again.
  await page.getByLabel('Broker URL', { exact: true }).fill('ws://127.0.0.1:1884');
  assert.equal(await page.getByLabel('Broker preset').inputValue(), '');
});

test('Azure IoT Hub: the app signs a SAS token and opens the hub as the device', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await freshApp(t);
  await page.getByLabel('Broker preset').selectOption({ label: 'Azure IoT Hub' });
  // The URL and user fields give way to the hub's.
  assert.equal(await page.getByLabel('Broker URL', { exact: true }).count(), 0);
  await page.getByLabel('IoT hub name', { exact: true }).fill('myhub');
  await page.getByLabel('Device ID', { exact: true }).fill('kitchen-sensor');

  // A key that is not Base64 is named before anything is opened.
  await page.getByLabel('Device key', { exact: true }).fill('not base64!');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'The device key must be Base64' }).waitFor();

  await page.getByLabel('Device key', { exact: true }).fill('MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=');
  const url = nextSocket(page);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  assert.equal(await url, 'wss://myhub.azure-devices.net/$iothub/websocket');
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();

  // The key is not stored unless asked.
  const stored = await page.evaluate(() => localStorage.getItem('mqtt-deck.connection'));
  assert.match(stored, /"hub":"myhub"/);
  assert.ok(!stored.includes('MDEyMzQ1'), stored);
});

test('AWS IoT Core: the WebSocket URL is signed in the browser, anew for each attempt', { timeout: TEST_TIMEOUT }, async (t) => {
  const page = await freshApp(t);
  await page.getByLabel('Broker preset').selectOption({ label: 'AWS IoT Core' });
  await page.getByLabel('AWS IoT endpoint', { exact: true }).fill('abc123-ats.iot.eu-west-1.amazonaws.com');
  await page.getByLabel('Access key ID', { exact: true }).fill('AKIAIOSFODNN7EXAMPLE');
  await page.getByLabel('Secret access key', { exact: true }).fill('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  await page.getByLabel('Session token', { exact: true }).fill('token/with+chars');
  const first = nextSocket(page);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  const url = new URL(await first);
  assert.equal(url.origin + url.pathname, 'wss://abc123-ats.iot.eu-west-1.amazonaws.com/mqtt');
  assert.match(url.searchParams.get('X-Amz-Credential'), /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/iotdevicegateway\/aws4_request$/);
  assert.match(url.searchParams.get('X-Amz-Signature'), /^[0-9a-f]{64}$/);
  assert.equal(url.searchParams.get('X-Amz-Security-Token'), 'token/with+chars');
  // The page names the broker, never the signed query with its credentials.
  await page.getByText('wss://abc123-ats.iot.eu-west-1.amazonaws.com/mqtt', { exact: true }).waitFor();
  assert.ok(!(await page.locator('body').innerText()).includes('X-Amz-'));
  // The endpoint cannot be reached here: the retry that follows carries a signature of its own time.
  const again = new URL(await nextSocket(page));
  assert.equal(again.origin + again.pathname, url.origin + url.pathname);
  assert.ok(again.searchParams.get('X-Amz-Date') >= url.searchParams.get('X-Amz-Date'));
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  assert.deepEqual(page.errors.filter((e) => !/WebSocket/.test(e)), []);
});
