// Where the full app's renderer time goes during a burst: Chromium's sampling CPU profiler over
// CDP, self time summed per function. Run by `DECK_BENCH_ONLY=profile scripts/bench.sh`, which
// builds the app with its wasm function names kept (bench/profile.html, no wasm-opt).

/**
 * Profiles `page` while `work()` runs; returns the functions with the most self time, and the
 * share of samples in wasm, in JS and in Chromium's own work (GC, program, idle).
 */
export async function profile(page, work, { top = 25, intervalUs = 200 } = {}) {
  await page.send('Profiler.enable');
  await page.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await page.send('Profiler.start');
  let p;
  try {
    await work();
  } finally {
    p = (await page.send('Profiler.stop')).profile;
    await page.send('Profiler.disable');
  }
  return summarize(p, top);
}

function summarize(p, top) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  // Sample i took timeDeltas[i + 1] µs: the time until the next sample.
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) || 0) + dt);
  }
  const fns = new Map();
  const kinds = { wasm: 0, js: 0, idle: 0, gc: 0, program: 0, other: 0 };
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id).callFrame;
    const name = f.functionName || '(anonymous)';
    const kind =
      name === '(idle)' ? 'idle'
      : name === '(garbage collector)' ? 'gc'
      : name === '(program)' ? 'program'
      : f.url.startsWith('wasm://') || f.url.endsWith('.wasm') ? 'wasm'
      : f.url ? 'js'
      : 'other';
    kinds[kind] += us;
    total += us;
    const key = `${kind}\t${name}`;
    fns.set(key, (fns.get(key) || 0) + us);
  }
  const rows = [...fns]
    .map(([key, us]) => {
      const [kind, name] = key.split('\t');
      return { kind, name, ms: us / 1000, share: us / total };
    })
    .sort((x, y) => y.ms - x.ms)
    .slice(0, top);
  return { totalMs: total / 1000, kinds: Object.fromEntries(Object.entries(kinds).map(([k, us]) => [k, us / total])), rows };
}
