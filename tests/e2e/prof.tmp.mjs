import * as h from './harness.mjs';
const env = await h.setup();
const agg = new Map(); let tot = 0;
for (let i = 0; i < 3; i++) {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.goto(h.appUrl({ connect: 1, client_id: h.uid('prof') }));
  await page.waitForFunction(() => { const s = document.querySelector('[role=status]'); return s && s.textContent.trim().startsWith('Connected'); }, null, { polling: 20 });
  const t = await page.evaluate(() => performance.now());
  const p = (await cdp.send('Profiler.stop')).profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map(); for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
  for (let s = 0; s < p.samples.length; s++) {
    const dt = (p.timeDeltas[s + 1] ?? 0) / 1000;
    // inclusive: every distinct function on the stack
    const seen = new Set();
    for (let id = p.samples[s]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame; const name = (f.functionName || '(anon)') + (f.url.endsWith('.wasm') || f.url.startsWith('wasm') ? ' [wasm]' : f.url ? ' [js]' : '');
      if (seen.has(name)) continue; seen.add(name);
      agg.set(name, (agg.get(name) || 0) + dt);
    }
    tot += dt;
  }
  console.log('connected at', Math.round(t));
  await ctx.close();
}
console.log('total ms', Math.round(tot));
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(Math.round(v / 3), k.slice(0, 150));
await h.teardown(env.browser);
