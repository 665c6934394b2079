// How Mosquitto with persistence can deliver a QoS 2 message twice, shown with a raw MQTT 5 client
// that keeps exactly the app's rule (src/mqtt/session/incoming.rs): a packet id is remembered
// from PUBLISH to PUBREL, a PUBLISH with a remembered id is not delivered again, PUBREL forgets it.
//
// Not part of any test run: the evidence for RELIABILITY.md's explanation of the soak run that
// counted QoS 2 duplicates. Run by hand against a private persistent broker:
//
//   node tests/e2e/restorequirk.mjs restore 1500
//       The broker sends its in-flight limit (max_inflight_messages, 1000) of N QoS 2 messages; the
//       client answers PUBREC and, on PUBREL, forgets the id and withholds PUBCOMP (as PUBCOMPs
//       still on their way over a slow link when the broker stops). A second connection takes the
//       session over and the other N-1000 are published: Mosquitto puts them in flight beside the
//       first 1000 (its quota starts afresh on a reconnect). Graceful restart (SIGTERM, state
//       saved). When the client comes back, Mosquitto sends PUBREL for the first 1000 it restored
//       as in flight, and PUBLISH, with the same ids, for the N-1000 past its limit, which it
//       restored as queued: each is a message the client had already released, so it is delivered
//       again. Prints 500 duplicates for N=1500, 0 for N=900.
//   node tests/e2e/restorequirk.mjs reconnect 1500
//       The same without the restart: 0 duplicates.
//   node tests/e2e/restorequirk.mjs kill 800
//       Messages queued while the client is away, saved by a graceful restart, then delivered and
//       completed; then SIGKILL: the broker comes back from the state it saved before and
//       delivers all N again. N at most the in-flight limit (past it, Mosquitto 2.0.11 leaves the
//       rest of a restored queue unsent until another message comes).
//
// Prints one JSON line: messages, deliveries after the client came back, duplicates (a topic
// delivered twice), and how the broker resumed (PUBLISH again, PUBREL again).
// Environment: DECK_BROKER_BASE (the harness's ports), DECK_BROKER_MAX_INFLIGHT (default 1000).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import * as h from './harness.mjs';

const [mode = 'restore', nArg = '1500'] = process.argv.slice(2);
const N = Number(nArg);
if (!['restore', 'reconnect', 'kill'].includes(mode) || !(N > 0 && N < 60000)) {
  console.error('usage: restorequirk.mjs restore|reconnect|kill N');
  process.exit(2);
}
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const progress = (what) => process.env.DECK_QUIRK_DEBUG && console.error(what);

/** One MQTT 5 connection over TCP that answers like the app, or withholds PUBCOMP when told. */
class Raw {
  constructor(state, { withholdPubcomp = false } = {}) {
    this.state = state; // { held: Set of ids between PUBLISH and PUBREL, delivered: Map topic -> count }
    this.withholdPubcomp = withholdPubcomp;
    this.stats = { publish: 0, publishOfReleased: 0, pubrel: 0, deliveries: 0 };
    this.last = Date.now();
    this.waiters = [];
  }

  open(clientId) {
    return new Promise((resolve, reject) => {
      this.sock = net.connect(h.PORTS.mqtt, '127.0.0.1');
      const parser = mqttPacket.parser({ protocolVersion: 5 });
      parser.on('packet', (p) => this.onPacket(p));
      parser.on('error', reject);
      this.sock.on('data', (d) => parser.parse(d));
      this.sock.on('error', reject);
      this.sock.on('connect', () => {
        this.send({
          cmd: 'connect',
          protocolVersion: 5,
          clientId,
          clean: false,
          keepalive: 60,
          properties: { sessionExpiryInterval: 86400, receiveMaximum: 65535 },
        });
        this.wait((p) => p.cmd === 'connack').then(resolve, reject);
      });
    });
  }

  send(p) {
    this.sock.write(mqttPacket.generate(p, { protocolVersion: 5 }));
  }

  wait(pred, timeout = 30_000) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a packet')), timeout);
      this.waiters.push({ pred, resolve: (p) => (clearTimeout(t), resolve(p)) });
    });
  }

  onPacket(p) {
    this.last = Date.now();
    const { held, delivered, released } = this.state;
    if (p.cmd === 'publish' && p.qos === 2) {
      this.stats.publish++;
      if (released.has(p.messageId)) this.stats.publishOfReleased++;
      if (!held.has(p.messageId)) {
        held.add(p.messageId);
        delivered.set(p.topic, (delivered.get(p.topic) || 0) + 1);
        this.stats.deliveries++;
      }
      this.send({ cmd: 'pubrec', messageId: p.messageId });
    } else if (p.cmd === 'pubrel') {
      this.stats.pubrel++;
      held.delete(p.messageId);
      released.add(p.messageId);
      if (!this.withholdPubcomp) this.send({ cmd: 'pubcomp', messageId: p.messageId });
    }
    this.waiters = this.waiters.filter((w) => !(w.pred(p) && (w.resolve(p), true)));
  }

  async quiet(ms = 2000) {
    while (Date.now() - this.last < ms) await pause(200);
  }

  close() {
    this.sock.destroy();
  }
}

await h.startBroker({ persist: true });
let result;
try {
  const run = h.uid('quirk');
  const state = { held: new Set(), released: new Set(), delivered: new Map() };
  const maxInflight = Number(process.env.DECK_BROKER_MAX_INFLIGHT || 1000);
  const publishAll = async (from = 0, to = N) => {
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.PORTS.mqtt}`, { clientId: `${run}-pub` });
    await Promise.all(Array.from({ length: to - from }, (_, i) => pub.publishAsync(`${run}/${from + i}`, String(from + i), { qos: 2 })));
    await pub.endAsync();
  };

  let first = new Raw(state, { withholdPubcomp: mode === 'restore' || mode === 'reconnect' });
  await first.open(`${run}-app`);
  first.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `${run}/#`, qos: 2 }] });
  await first.wait((p) => p.cmd === 'suback');
  let stopMs = null;
  if (mode === 'kill') {
    // Queued while the client is away, then saved by a graceful restart.
    first.close();
    await publishAll();
    stopMs = (await h.restartBroker()).stopMs;
    first = new Raw(state);
    await first.open(`${run}-app`);
    while (state.released.size < N) {
      progress(`released ${state.released.size}, delivered ${state.delivered.size}`);
      await pause(1000);
    }
    // PINGRESP comes after the broker has read every PUBCOMP before the PINGREQ.
    first.send({ cmd: 'pingreq' });
    await first.wait((p) => p.cmd === 'pingresp');
    first.close();
    const pid = Number(fs.readFileSync(path.join(h.brokerDir(), 'mosquitto.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    while (fs.existsSync(`/proc/${pid}`)) await pause(50);
    await h.restartBroker();
  } else {
    // First as many as the broker's in-flight limit.
    await publishAll(0, Math.min(N, maxInflight));
    // With PUBCOMPs withheld the broker sends up to its in-flight limit and waits.
    await first.quiet();
    progress(`released ${state.released.size}, delivered ${state.delivered.size}`);
    // A new connection takes the session over while the old one is still open (as after a
    // frozen link, which only the client's keep-alive finds).
    const second = new Raw(state, { withholdPubcomp: true });
    await second.open(`${run}-app`);
    first.close();
    // The rest, published now, go in flight beside the others: the takeover counted the
    // session's in-flight quota afresh, without what is already in flight.
    if (N > maxInflight) await publishAll(maxInflight, N);
    await second.quiet();
    second.close();
    progress(`released ${state.released.size}, delivered ${state.delivered.size}`);
    if (mode === 'restore') stopMs = (await h.restartBroker()).stopMs;
  }
  const before = state.delivered.size;
  const releasedBefore = state.released.size;
  const again = new Raw(state);
  const connack = await again.open(`${run}-app`);
  await again.quiet();
  again.close();
  const duplicates = [...state.delivered.values()].reduce((s, c) => s + c - 1, 0);
  result = {
    mode,
    messages: N,
    maxInflight,
    deliveredBefore: before,
    releasedBefore,
    sessionPresent: connack.sessionPresent,
    stopMs,
    afterComingBack: again.stats,
    duplicates,
    lost: N - state.delivered.size,
  };
} finally {
  await h.stopBroker();
}
console.log(JSON.stringify(result));
