// The full soak: runs tests/e2e/soak.mjs at benchmark size, prints the counts and rewrites the `## Soak` section of RELIABILITY.md.
//
// scripts/soak.sh builds dist/ and runs this; it starts its own persistent broker on
// DECK_BROKER_BASE (the harness's ports BASE..BASE+2, the fault proxy on BASE+11).
//
// Environment:
//   DECK_SOAK_N         messages per QoS per direction (default 10000)
//   DECK_SOAK_FAULTS    cuts, stalls and freezes (default 20)
//   DECK_SOAK_RESTARTS  broker restarts (default 2)
//   DECK_SOAK_VERSION   the app's MQTT version, 5.0 (default) or 3.1.1 (runs at 3.1.1 never write)
//   DECK_SOAK_RATE      messages a second the app publishes (default 100; the run lasts 2n/rate)
//   DECK_SOAK_SEED      the fault generator's seed (default: from the clock; printed)
//   DECK_SOAK_MAX_INFLIGHT  Mosquitto's max_inflight_messages (default 2n+1000: see below)
//   DECK_SOAK_NO_WRITE=1  print only (runs at other sizes never write)
//   DECK_SOAK_TRACE     a file for every MQTT packet through the fault proxy (about 6 MB for a full run)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as h from '../tests/e2e/harness.mjs';
import { runSoak } from '../tests/e2e/soak.mjs';

const env = process.env;
const DEFAULTS = { n: 10_000, rate: 100, faults: 20, faultMs: 3000, restarts: 2 };
const n = Number(env.DECK_SOAK_N || DEFAULTS.n);
const faults = Number(env.DECK_SOAK_FAULTS || DEFAULTS.faults);
const restarts = Number(env.DECK_SOAK_RESTARTS || DEFAULTS.restarts);
const rate = Number(env.DECK_SOAK_RATE || DEFAULTS.rate);
const version = env.DECK_SOAK_VERSION || '5.0';
const seed = env.DECK_SOAK_SEED ? Number(env.DECK_SOAK_SEED) : undefined;
// Mosquitto 2.0.11 restores at most max_inflight_messages of a client's in-flight messages as in
// flight and sends the rest again as new PUBLISHes, QoS 2 ones too whose PUBREL the app had already
// answered, which the app must then deliver twice; and after a reconnect it lets more than that
// limit be in flight (RELIABILITY.md, tests/e2e/restorequirk.mjs). A limit above anything a run
// can have in flight toward the app keeps that broker bug out of the app's figures;
// DECK_SOAK_MAX_INFLIGHT=1000 (the limit the other tests use) lets it in again.
const maxInflight = Number(env.DECK_SOAK_MAX_INFLIGHT || Math.min(2 * n + 1000, 65000));
const fullSize = n === DEFAULTS.n && faults === DEFAULTS.faults && restarts === DEFAULTS.restarts && rate === DEFAULTS.rate && version === '5.0';
const write = fullSize && env.DECK_SOAK_NO_WRITE !== '1';
const log = (m) => console.error(`soak: ${m}`);

const fmtMB = (b) => (b == null ? 'n/a' : `${(b / 1048576).toFixed(1)} MB`);
const fmtInt = (x) => x.toLocaleString('en-US');

function section(r, pass) {
  const row = (what, q, c) => `| ${what} | ${q} | ${fmtInt(r.n)} | ${c.lost} | ${c.duplicated} |`;
  const firstLine = (cmd, args) => {
    const out = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${out.stdout || ''}${out.stderr || ''}`.split('\n')[0].trim() || 'unknown';
  };
  return [
    '## Soak',
    '',
    `${pass ? 'Passed' : '**Failed**'} on ${new Date().toISOString().slice(0, 10)}: ${fmtInt(r.n)} QoS 1 and ${fmtInt(r.n)} QoS 2`,
    `messages each way between the app (headless Chromium) and Mosquitto with persistence (max_inflight_messages ${fmtInt(maxInflight)}), the app`,
    `with clean start off (${r.version === '5.0' ? 'MQTT 5, session expiry a day' : `MQTT ${r.version}`}), across ${r.cuts + r.stalls + r.freezes} faults of the link`,
    `(${r.cuts} cuts, ${r.stalls} stalls, ${r.freezes} freezes found by keep-alive; between faults the link`,
    `trickled one byte per WebSocket message or lagged at random) and ${r.restarts} broker restarts (seed ${r.seed}).`,
    '',
    '| direction | QoS | sent | lost | duplicated |',
    '|---|---:|---:|---:|---:|',
    row('mosquitto → app', 1, r.toApp[1]),
    row('mosquitto → app', 2, r.toApp[2]),
    row('app → mosquitto_sub', 1, r.fromApp[1]),
    row('app → mosquitto_sub', 2, r.fromApp[2]),
    '',
    `- Duration: ${(r.durationMs / 60000).toFixed(1)} min.`,
    `- Broker restarts: SIGTERM, state saved, exited in ${r.stopMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' and ') || 'n/a'}${r.killed ? ` (${r.killed} KILLED after 60 s)` : ' (none killed)'}.`,
    `- Page errors: ${r.pageErrors.length}; publish form errors: ${r.appErrors.length}; publishes refused while the offline queue was full, then sent again: ${fmtInt(r.refused ?? 0)}.`,
    `- Memory at the end, after a forced GC: wasm linear memory ${fmtMB(r.memory.wasm)}, JS heap ${fmtMB(r.memory.js)}.`,
    `- Through the fault proxy: ${fmtInt(r.proxy.links)} WebSocket connections, ${fmtInt(r.proxy.up.messages)} messages up and ${fmtInt(r.proxy.down.messages)} down;`,
    `  the broker sent ${fmtInt(r.proxy.resent)} PUBLISH packets again (DUP) after reconnects, which bounds the QoS 1 duplicates toward the app,`,
    `  and ${fmtInt(r.proxy.publishAfterPubrel)} QoS 2 PUBLISH packets with an id whose PUBREL it had already sent (Mosquitto's restore bug below; the app cannot tell those from new messages).`,
    `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model?.trim() || 'unknown CPU'}, ${firstLine(h.CHROMIUM, ['--version'])}, ${firstLine('mosquitto', ['-h'])}.`,
    '',
    'QoS 1 duplicates are allowed (at least once); QoS 1 loss, QoS 2 loss and QoS 2 duplication',
    'must be 0. How it runs: `tests/e2e/soak.mjs`; `scripts/soak.sh` reruns it and rewrites this',
    'section, `tests/e2e/soak.spec.mjs` runs a short one in CI.',
    '',
  ].join('\n');
}

/** Replaces the `## Soak` section of RELIABILITY.md (to the next `## ` heading), or appends it. */
function writeSection(text) {
  const file = path.join(h.REPO, 'RELIABILITY.md');
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Reliability\n\nHow MQTT Deck holds up when things go wrong, measured.\n';
  const start = doc.search(/^## Soak$/m);
  if (start < 0) {
    doc = `${doc.trimEnd()}\n\n${text}`;
  } else {
    const rest = doc.slice(start + 1).search(/^## /m);
    const end = rest < 0 ? doc.length : start + 1 + rest;
    doc = `${doc.slice(0, start)}${text}${rest < 0 ? '' : `\n${doc.slice(end)}`}`;
  }
  fs.writeFileSync(file, `${doc.trimEnd()}\n`);
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

const env2 = await h.setup({ persist: true, maxInflight });
let r;
try {
  log(`n=${fmtInt(n)} per QoS per direction at ${rate} a second, ${faults} faults (cuts, stalls, freezes), ${restarts} broker restarts`);
  r = await runSoak(env2.browser, { n, rate, faults, faultMs: DEFAULTS.faultMs, restarts, version, trace: env.DECK_SOAK_TRACE, seed, log });
} finally {
  await h.teardown(env2.browser);
}
const pass =
  [r.toApp, r.fromApp].every((c) => c[1].lost === 0 && c[2].lost === 0 && c[2].duplicated === 0) &&
  r.pageErrors.length === 0 &&
  r.killed === 0 &&
  r.appErrors.length === 0;
console.log(JSON.stringify(r, null, 2));
const text = section(r, pass);
console.log(text);
if (write) writeSection(text);
if (!pass) process.exitCode = 1;
