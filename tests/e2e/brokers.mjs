// Brokers other than scripts/broker.sh's Mosquitto, for the interop and secure specs: aedes (npm,
// MQTT 3.1.1 only) inside this process behind a websocket server, amqtt (PyPI), RabbitMQ's Web
// MQTT plugin (Debian), and Mosquittos with a config of their own (limits, passwords, ACLs, TLS).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

/**
 * aedes on ws://127.0.0.1:{port}. Returns { url, broker, sockets(), protocolLevels, close() }:
 * sockets() counts websocket connections so far, and protocolLevels lists the protocol level of
 * every CONNECT in arrival order (4 = 3.1.1, 5 = 5.0), read off the wire because aedes answers a
 * 5.0 CONNECT without logging it. users: { name: password } for clients that give a username.
 */
export async function startAedes(port, { users = {} } = {}) {
  const broker = await Aedes.createBroker();
  // Anonymous clients are welcome; a client that names a user must give that user's password.
  broker.authenticate = (client, username, password, done) => {
    if (!username || users[username] === password?.toString()) return done(null, true);
    const e = new Error('bad username or password');
    e.returnCode = 4;
    done(e, null);
  };
  const wss = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: (ps) => (ps.has('mqtt') ? 'mqtt' : false) });
  let sockets = 0;
  const protocolLevels = [];
  wss.on('connection', (ws) => {
    sockets += 1;
    ws.once('message', (data) => {
      const b = Buffer.from(data);
      if (b[0] === 0x10) {
        let i = 1;
        while (b[i] & 0x80) i += 1;
        protocolLevels.push(b[i + 1 + 6]);
      }
    });
    broker.handle(createWebSocketStream(ws));
  });
  await new Promise((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    broker,
    sockets: () => sockets,
    protocolLevels,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => broker.close(r));
    },
  };
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * A Mosquitto with `globalLines` in its config, a plain MQTT listener on `tcpPort` and one
 * websockets listener per entry of `listeners` ({ port, lines }). Returns { dir, log(), close() }.
 * The TCP listener is not optional: Mosquitto 2.0.11 counts only non-websockets listeners
 * when it checks that it could listen at all, and exits without one.
 */
export async function startMosquitto({ globalLines = [], tcpPort, listeners }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-mosq-'));
  fs.chmodSync(dir, 0o755);
  const logPath = path.join(dir, 'mosquitto.log');
  const conf = [
    'per_listener_settings false',
    'persistence false',
    'allow_anonymous true',
    `log_dest file ${logPath}`,
    // stderr too: C leaves it unbuffered, so a line is readable as soon as it is logged, where
    // the file can lag behind by a buffer's worth.
    'log_dest stderr',
    'log_type all',
    'connection_messages true',
    ...globalLines,
  ];
  conf.push('', `listener ${tcpPort} 127.0.0.1`);
  for (const l of listeners) {
    conf.push('', `listener ${l.port} 127.0.0.1`, 'protocol websockets', 'socket_domain ipv4', ...(l.lines || []));
  }
  fs.writeFileSync(path.join(dir, 'mosquitto.conf'), conf.join('\n') + '\n');
  fs.writeFileSync(logPath, '');
  fs.chmodSync(logPath, 0o666);
  const bin = fs.existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
  const child = spawn(bin, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 10_000;
  for (const l of listeners) {
    while (!(await portOpen(l.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`mosquitto did not listen on ${l.port}: ${stderr}\n${fs.readFileSync(logPath, 'utf8')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    dir,
    log: () => stderr,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitPort(port, child, what, logText, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      throw new Error(`${what} did not listen on ${port}:\n${logText()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a process group started with `detached: true`, waiting for its leader to exit. */
async function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try { process.kill(-child.pid, 'SIGTERM'); } catch {}
  const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** The user "deck" with the password "secret" in an amqtt password file (pwdlib's argon2 hash). */
export const AMQTT_USERS = 'deck:$argon2id$v=19$m=65536,t=3,p=4$2t4iIF1S5dTpARx6+QVvWg$b7sSgBpkHVut9xUe53tJLqpRiXiQRtmwGHYOPhHo2yU\n';

/**
 * amqtt (PyPI, MQTT 3.1.1) with its websockets listener on ws://127.0.0.1:{wsPort}. Anonymous
 * clients are welcome; one that names a user must give that user's password (AMQTT_USERS):
 * amqtt lets a client in only when every plugin that has an opinion agrees.
 */
export async function startAmqtt({ tcpPort, wsPort }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-amqtt-'));
  fs.writeFileSync(path.join(dir, 'passwd'), AMQTT_USERS);
  const conf = [
    'listeners:',
    '  default:', '    type: tcp', `    bind: 127.0.0.1:${tcpPort}`,
    '  ws:', '    type: ws', `    bind: 127.0.0.1:${wsPort}`,
    'plugins:',
    '  amqtt.plugins.authentication.AnonymousAuthPlugin:',
    '    allow_anonymous: true',
    '  amqtt.plugins.authentication.FileAuthPlugin:',
    `    password_file: ${path.join(dir, 'passwd')}`,
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'broker.yaml'), conf + '\n');
  const log = fs.openSync(path.join(dir, 'amqtt.log'), 'w');
  const child = spawn('amqtt', ['-c', path.join(dir, 'broker.yaml')], { stdio: ['ignore', log, log], detached: true });
  const logText = () => fs.readFileSync(path.join(dir, 'amqtt.log'), 'utf8');
  await waitPort(wsPort, child, 'amqtt', logText, 20_000);
  return {
    url: `ws://127.0.0.1:${wsPort}`,
    tcpUrl: `mqtt://127.0.0.1:${tcpPort}`,
    async close() {
      await stopGroup(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops every process whose environment holds `entry`, SIGKILL after 10 s. */
async function killByEnv(entry) {
  const find = () =>
    fs.readdirSync('/proc').filter((p) => {
      if (!/^\d+$/.test(p)) return false;
      try {
        return fs.readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(entry);
      } catch {
        return false;
      }
    });
  const deadline = Date.now() + 10_000;
  for (let pids = find(), signal = 'SIGTERM'; pids.length; pids = find()) {
    for (const pid of pids) {
      try { process.kill(Number(pid), signal); } catch {}
    }
    if (Date.now() > deadline) signal = 'SIGKILL';
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * RabbitMQ (Debian's rabbitmq-server) with the Web MQTT plugin on ws://127.0.0.1:{wsPort}/ws,
 * its own node name, ports and data directory, so that it never meets a system broker.
 * It boots in about 20 s: start it once per run.
 */
export async function startRabbit({ amqpPort, mqttPort, wsPort, distPort }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-rabbit-'));
  fs.chmodSync(dir, 0o777);
  fs.writeFileSync(
    path.join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
      `web_mqtt.tcp.port = ${wsPort}`,
      'web_mqtt.tcp.ip = 127.0.0.1',
      'mqtt.allow_anonymous = true',
      'loopback_users = none',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_web_mqtt].\n');
  for (const sub of ['mnesia', 'log']) fs.mkdirSync(path.join(dir, sub));
  // The server drops to the rabbitmq user when started as root: it must own its files.
  try {
    const { execFileSync } = await import('node:child_process');
    execFileSync('chown', ['-R', 'rabbitmq:rabbitmq', dir]);
  } catch {}
  const node = `deck${process.pid}@localhost`;
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_DIST_PORT: String(distPort),
  };
  const out = fs.openSync(path.join(dir, 'out.log'), 'w');
  const bin = fs.existsSync('/usr/sbin/rabbitmq-server') ? '/usr/sbin/rabbitmq-server' : 'rabbitmq-server';
  const child = spawn(bin, [], { env, stdio: ['ignore', out, out], detached: true });
  const logText = () => fs.readFileSync(path.join(dir, 'out.log'), 'utf8');
  await waitPort(wsPort, child, 'rabbitmq-server', logText, 90_000);
  return {
    url: `ws://127.0.0.1:${wsPort}/ws`,
    tcpUrl: `mqtt://127.0.0.1:${mqttPort}`,
    async close() {
      await stopGroup(child);
      // The server runs as the rabbitmq user in a session of its own: find it by node name.
      await killByEnv(`RABBITMQ_NODENAME=${node}`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
