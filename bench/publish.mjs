// Raw MQTT 3.1.1 publisher over TCP for the benchmarks: pre-encoded QoS 0 bursts, paced timestamped runs, retained fixtures.
//
//   import { burst, paced, publishOne } from './publish.mjs';
//   node bench/publish.mjs burst  PORT N [TOPICS]     (TOPICS 1: all on bench/t; >1: bench/<i % TOPICS>)
//   node bench/publish.mjs paced  PORT N RATE [TOPIC]
//
// Not mosquitto_pub: it cannot spread one burst over many topics, and a client library's own
// per-message cost would throttle the burst that is meant to saturate the broker and receivers.
import net from 'node:net';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export const PAYLOAD_BYTES = 64;
const HOST = '127.0.0.1';
// Large enough that the kernel, not the number of write() calls, limits the burst.
const BATCH_PACKETS = 2000;

function remainingLength(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function utf8(s) {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function packet(typeAndFlags, body) {
  return Buffer.concat([Buffer.from([typeAndFlags]), remainingLength(body.length), body]);
}

function connectPacket(clientId) {
  // Protocol level 4 (3.1.1), clean session, keep-alive 0: a benchmark run never idles long
  // enough to need pings, and not sending them keeps the burst pure.
  const vh = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 0])]);
  return packet(0x10, Buffer.concat([vh, utf8(clientId)]));
}

export function publishPacket(topic, payload, { retain = false } = {}) {
  return packet(0x30 | (retain ? 1 : 0), Buffer.concat([utf8(topic), payload]));
}

/** The 64-byte ingest payload: printable, so the app shows it as text like a real sensor reading. */
export function burstPayload(i) {
  const head = `m${String(i).padStart(8, '0')} `;
  return Buffer.from(head.padEnd(PAYLOAD_BYTES, 'x'));
}

/**
 * A 64-byte payload carrying the wall-clock send time. performance.timeOrigin + now() in node
 * and in the page both track the system clock, so the page can subtract it directly.
 */
export function stampPayload(seq, sentMs) {
  return Buffer.from(`ts=${sentMs.toFixed(3)} seq=${seq} `.padEnd(PAYLOAD_BYTES, '.'));
}

export const wallNow = () => performance.timeOrigin + performance.now();

export function topicFor(i, topics) {
  return topics > 1 ? `bench/${i % topics}` : 'bench/t';
}

/** Connects and resolves with the socket once the broker has accepted the session. */
export async function connect(port, clientId) {
  const sock = net.connect({ host: HOST, port, noDelay: true });
  await new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.once('connect', resolve);
  });
  sock.write(connectPacket(clientId));
  await new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 4) return;
      sock.off('data', onData);
      sock.off('error', reject);
      // CONNACK: 0x20 0x02 flags returnCode
      if (got[0] !== 0x20 || got[3] !== 0) reject(new Error(`broker refused CONNECT: ${got.subarray(0, 4).toString('hex')}`));
      else resolve();
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
  // Anything the broker sends later (nothing, for a pure QoS 0 publisher) must not pile up.
  sock.on('data', () => {});
  return sock;
}

export const write = (sock, buf) => (sock.write(buf) ? Promise.resolve() : new Promise((r) => sock.once('drain', r)));

/** DISCONNECT, then wait for the broker to close: by then it has read (and routed) every PUBLISH. */
export async function disconnect(sock) {
  if (sock.closed || sock.destroyed) return;
  const closed = new Promise((resolve) => sock.once('close', resolve));
  sock.end(Buffer.from([0xe0, 0x00]));
  await closed;
}

/** Encodes a burst up front so that encoding never shows up in the send rate. */
export function encodeBurst(n, topics = 1, { offset = 0 } = {}) {
  const batches = [];
  for (let start = 0; start < n; start += BATCH_PACKETS) {
    const parts = [];
    for (let i = start; i < Math.min(n, start + BATCH_PACKETS); i++) {
      parts.push(publishPacket(topicFor(offset + i, topics), burstPayload(offset + i)));
    }
    batches.push(Buffer.concat(parts));
  }
  return batches;
}

/**
 * Sends n QoS 0 messages as fast as the socket drains. Pass pre-encoded `batches` (encodeBurst)
 * to keep encoding out of the measured window. Resolves with { n, ms } once the broker has them.
 */
export async function burst({ port, n, topics = 1, batches, clientId = `bench-pub-${process.pid}` }) {
  batches ??= encodeBurst(n, topics);
  const sock = await connect(port, clientId);
  const t0 = performance.now();
  for (const b of batches) await write(sock, b);
  await disconnect(sock);
  return { n, ms: performance.now() - t0 };
}

/**
 * Sends n messages at `rate` per second, each stamped with its wall-clock send time. Timers fire
 * late, so every tick sends whatever is due by then: the average rate holds even if ticks slip.
 * Resolves with `sent`, each message's send time as stamped in its payload.
 */
export async function paced({ port, n, rate = 1000, topic = 'bench/lat', clientId = `bench-pace-${process.pid}` }) {
  const sock = await connect(port, clientId);
  const sent = new Array(n);
  const t0 = performance.now();
  let seq = 0;
  while (seq < n) {
    const due = Math.min(n, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
    while (seq < due) {
      sent[seq] = wallNow();
      await write(sock, publishPacket(topic, stampPayload(seq, sent[seq])));
      seq++;
    }
    if (seq < n) {
      const nextAt = t0 + (seq * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.max(0, nextAt - performance.now())));
    }
  }
  await disconnect(sock);
  return { n, ms: performance.now() - t0, sent };
}

/** One message, e.g. a retained fixture; an empty retained payload clears the topic. */
export async function publishOne({ port, topic, payload = '', retain = false, clientId = `bench-one-${process.pid}` }) {
  const sock = await connect(port, clientId);
  await write(sock, publishPacket(topic, Buffer.from(payload), { retain }));
  await disconnect(sock);
}

// Node reports the main module by its real path, so compare against the resolved argv[1].
const invokedAs = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (invokedAs && import.meta.url === pathToFileURL(invokedAs).href) {
  const [mode, port, n, arg4, arg5] = process.argv.slice(2);
  const num = (v, d) => (v === undefined ? d : Number(v));
  let r;
  if (mode === 'burst' && port && n) r = await burst({ port: num(port), n: num(n), topics: num(arg4, 1) });
  else if (mode === 'paced' && port && n) r = await paced({ port: num(port), n: num(n), rate: num(arg4, 1000), topic: arg5 ?? 'bench/lat' });
  else {
    console.error('usage: node bench/publish.mjs burst PORT N [TOPICS] | paced PORT N RATE [TOPIC]');
    process.exit(2);
  }
  console.log(`${mode}: ${r.n} messages in ${r.ms.toFixed(0)} ms (${((r.n / r.ms) * 1000).toFixed(0)} msg/s sent)`);
}
