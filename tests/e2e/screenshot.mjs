// Regenerates docs/screenshot.png (desktop) and docs/screenshot-phone.png: the app against a local broker with demo traffic.
import path from 'node:path';
import * as h from './harness.mjs';

const { browser } = await h.setup();
try {
  const topics = {
    'home/kitchen/temperature': '21.4', 'home/kitchen/light': 'ON', 'home/hall/door': 'closed',
    'home/livingroom/thermostat': '{"current": 20.5, "target": 21, "mode": "heat"}',
    'office/printer/status': 'idle', 'garden/soil/moisture': '37',
  };
  for (const [t, m] of Object.entries(topics)) await h.mosquittoPub(['-t', t, '-m', m, '-r', '-q', '1']);
  for (const [size, file] of [[{ width: 1280, height: 800 }, 'screenshot.png'], [{ width: 375, height: 667 }, 'screenshot-phone.png']]) {
    const page = await h.newPage(browser);
    await page.setViewportSize(size);
    await page.goto(h.appUrl({ client_id: 'deck-demo', version: '5', sub: '#', connect: 1 }));
    await page.getByRole('status').filter({ hasText: /^Connected/ }).waitFor();
    await page.getByLabel('Find topics', { exact: true }).fill('thermostat');
    await page.getByRole('button', { name: 'Topic home/livingroom/thermostat' }).click();
    for (const v of ['20.7', '20.9']) {
      await h.mosquittoPub(['-t', 'home/livingroom/thermostat', '-m', `{"current": ${v}, "target": 21, "mode": "heat"}`, '-q', '1']);
    }
    await page.getByText('Changes since previous message').waitFor();
    await page.screenshot({ path: path.join(h.REPO, 'docs', file) });
    await page.close();
  }
  for (const t of Object.keys(topics)) await h.mosquittoPub(['-t', t, '-r', '-n', '-q', '1']);
} finally {
  await h.teardown(browser);
}
