// CPU time from /proc for the benchmark's "where the time goes" table: broker, Chromium by process type, node, mosquitto_sub, and the rest of the machine.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

function stat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields resume after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: f[1], cpu: (Number(f[11]) + Number(f[12])) / TICK, comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')) };
  } catch {
    return null; // exited while we looked
  }
}

function chromiumKind(pid) {
  let cmd = '';
  try {
    cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'chromium other';
  }
  const type = (cmd.match(/--type=([a-z-]+)/) || [])[1];
  if (!type) return 'chromium browser';
  if (type === 'renderer') return 'chromium renderer';
  if (type === 'utility' && /NetworkService|network\.mojom/.test(cmd)) return 'chromium network';
  return 'chromium other';
}

function machineTicks() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal. Interrupt time is left out of "busy": loopback
  // traffic of the benchmark itself is handled there, charged to no process.
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (f[0] + f[1] + f[2] + f[7]) / TICK, total: total / TICK };
}

/**
 * CPU seconds so far of every process that matters here, keyed by pid, with its group.
 * brokerPid: mosquitto; browserPid: Chromium's browser process (its descendants are grouped by
 * --type); this node process and its other children (mosquitto_sub) count as themselves.
 */
export function snapshot({ brokerPid, browserPid }) {
  const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const info = new Map();
  for (const p of pids) {
    const s = stat(p);
    if (s) info.set(p, s);
  }
  const self = String(process.pid);
  const under = (pid, root) => {
    for (let q = pid, hops = 0; q && q !== '0' && hops < 64; q = info.get(q)?.ppid, hops++) if (q === root) return true;
    return false;
  };
  const procs = new Map();
  for (const [pid, s] of info) {
    let group = null;
    if (brokerPid && pid === String(brokerPid)) group = 'broker';
    else if (pid === self) group = 'node';
    else if (browserPid && under(pid, String(browserPid))) group = chromiumKind(pid);
    else if (under(pid, self)) group = s.comm === 'mosquitto_sub' ? 'mosquitto_sub' : 'node children';
    if (group) procs.set(pid, { group, cpu: s.cpu });
  }
  return { at: performance.now(), procs, machine: machineTicks() };
}

/** CPU seconds per group between two snapshots; processes born in between count from zero. */
export function diff(a, b) {
  const groups = {};
  let ours = 0;
  for (const [pid, p] of b.procs) {
    const d = p.cpu - (a.procs.get(pid)?.cpu ?? 0);
    groups[p.group] = (groups[p.group] || 0) + d;
    ours += d;
  }
  const busy = b.machine.busy - a.machine.busy;
  return {
    wall: (b.at - a.at) / 1000,
    groups,
    machineBusy: busy,
    capacity: b.machine.total - a.machine.total,
    // Builds and tests of other sessions on the same machine show up here.
    others: Math.max(0, busy - ours),
  };
}
