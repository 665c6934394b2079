// Brokers other than scripts/broker.sh's Mosquitto, for the interop specs: aedes (npm, MQTT
// 3.1.1 only) inside this process behind a websocket server, and a second Mosquitto whose
// config sets broker-wide limits (retain_available, max_qos) that the first one must not have.
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
 * 5.0 CONNECT without logging it.
 */
export async function startAedes(port) {
  const broker = await Aedes.createBroker();
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
    log: () => fs.readFileSync(logPath, 'utf8'),
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
