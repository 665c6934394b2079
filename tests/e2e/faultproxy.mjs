// A WebSocket proxy between the app and a broker's websockets listener that injects faults: cut,
// refuse, stall, freeze, delay, trickle (every message one byte) and coalesce (many in one).
//
// It works on WebSocket messages, not TCP bytes, because that is where the app's framing lives:
// MQTT packets may be split across and joined within binary messages (MQTT 5 §6.0), and only a
// proxy that re-frames them can show the app copes. The upstream handshake runs before the app's
// is answered, so a refused or absent broker looks to the app like the broker itself.
//
//   const proxy = await faultProxy({ target: h.WS_URL, port: h.BASE + 10 });
//   proxy.url                      ws:// address for the app
//   proxy.cut({ refuse })          drops every link (no close frame, as a lost network); with
//                                  refuse, new connections are refused until restore()
//   proxy.restore()                listens again on the same port
//   proxy.stall() / resume()       holds traffic both ways, in order, then lets it go
//   proxy.freeze()                 open links go silent for good (traffic dropped); new ones work
//   proxy.deafen()                 open links drop what the broker sends (acks withheld from the
//                                  app) while the app's packets still reach it; new ones work
//   proxy.mute()                   the other way round: open links drop what the app sends
//   proxy.delay(ms)                every message waits ms before it is passed on
//   proxy.trickle(on)              every message is passed on as one-byte messages
//   proxy.coalesce(on)             broker -> app messages are held ...
//   proxy.release()                ... and sent as one message per link
//   proxy.held()                   MQTT packets held so far (counted from their fixed headers)
//   proxy.queued()                 messages waiting (stalled or delayed) each way
//   proxy.trace(write)             one line per MQTT packet passed on, to write(line)
//   await proxy.nextLink()         resolves when the next link is up both ways (or rejects in time)
//   proxy.stats                    links, messages, frames and bytes each way, the broker's resent
//                                  PUBLISHes, and its QoS 2 PUBLISHes of ids it had released
//   proxy.close()
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

/** The MQTT packets in `buf` (whole packets, as each side sends them): type, flags and body. */
function* packets(buf) {
  let i = 0;
  while (i < buf.length) {
    let len = 0;
    let mult = 1;
    let j = i + 1;
    for (; j < buf.length; j++) {
      len += (buf[j] & 0x7f) * mult;
      mult *= 128;
      if (!(buf[j] & 0x80)) break;
    }
    yield { type: buf[i] >> 4, flags: buf[i] & 15, body: buf.subarray(j + 1, j + 1 + len) };
    i = j + 1 + len;
  }
}

/**
 * The MQTT packets in `buf`, counted from each fixed header's remaining length: how many, and
 * how many are PUBLISH packets sent again (DUP set).
 */
export function scanPackets(buf) {
  let count = 0;
  let resent = 0;
  for (const p of packets(buf)) {
    count++;
    if (p.type === 3 && p.flags & 0x08) resent++;
  }
  return { packets: count, resent };
}

/** One direction of one link: an ordered queue that stalls, delays and re-frames. */
class Pipe {
  constructor(proxy, dest, down) {
    this.proxy = proxy;
    this.dest = dest;
    this.down = down;
    this.queue = [];
    this.timer = null;
    this.frozen = false;
    this.held = [];
    this.onEmpty = null;
  }

  push(buf) {
    if (this.frozen) return;
    if (this.down) this.proxy.stats.resent += scanPackets(buf).resent;
    this.queue.push({ buf, at: Date.now() });
    this.pump();
  }

  pump() {
    if (this.timer) return;
    while (this.queue.length && !this.proxy.stalled && !this.frozen) {
      const wait = this.queue[0].at + this.proxy.delayMs - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
      this.deliver(this.queue.shift().buf);
    }
    if (!this.queue.length && this.onEmpty) this.onEmpty();
  }

  deliver(buf) {
    if (this.down && this.proxy.coalescing) {
      this.held.push(buf);
      this.proxy.emit('held');
      return;
    }
    this.send(buf);
  }

  send(buf) {
    if (this.dest.readyState !== WebSocket.OPEN) return;
    if (this.proxy.tracer) this.proxy.tracer(this, buf);
    this.proxy.watchReleased(this.down, buf);
    const stats = this.proxy.stats[this.down ? 'down' : 'up'];
    stats.messages += 1;
    stats.bytes += buf.length;
    if (this.proxy.trickling) {
      for (let i = 0; i < buf.length; i++) this.dest.send(buf.subarray(i, i + 1), { binary: true });
      stats.frames += buf.length;
    } else {
      this.dest.send(buf, { binary: true });
      stats.frames += 1;
    }
  }

  release() {
    if (!this.held.length) return;
    const all = Buffer.concat(this.held);
    this.held = [];
    this.send(all);
  }

  clear() {
    clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.held = [];
  }
}

class FaultProxy extends EventEmitter {
  constructor(target, port) {
    super();
    this.target = target;
    this.port = port;
    this.stalled = false;
    this.delayMs = 0;
    this.trickling = false;
    this.coalescing = false;
    this.links = new Set();
    this.sockets = new Set();
    this.stats = {
      links: 0,
      // PUBLISH packets the broker sent again with DUP (after a reconnect), from its messages.
      resent: 0,
      // QoS 2 PUBLISH packets the broker sent with a packet id whose PUBREL it had already sent
      // and whose PUBCOMP had not come back: the id is not free, so this is no new message but
      // one the app has (or may have) released, which it can only deliver again. Mosquitto 2.0
      // does this after restoring more in-flight messages than max_inflight_messages (see
      // restorequirk.mjs).
      publishAfterPubrel: 0,
      up: { messages: 0, bytes: 0, frames: 0 },
      down: { messages: 0, bytes: 0, frames: 0 },
    };
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      // The broker picked the subprotocol; the app gets the same answer.
      handleProtocols: (_offered, req) => req.upstreamProtocol || false,
    });
    this.server = null;
  }

  listen() {
    return new Promise((resolve, reject) => {
      const server = http.createServer((_req, res) => res.writeHead(426).end());
      server.on('connection', (s) => {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      });
      server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = server.address().port;
        this.server = server;
        resolve();
      });
    });
  }

  get url() {
    return `ws://127.0.0.1:${this.port}`;
  }

  upgrade(req, socket, head) {
    socket.on('error', () => {});
    const offered = (req.headers['sec-websocket-protocol'] || '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const upstream = new WebSocket(this.target, offered, { perMessageDeflate: false });
    upstream.on('error', () => socket.destroy());
    // Messages the broker sends before the app's side is open wait here.
    const early = [];
    const onEarly = (data) => early.push(data);
    upstream.on('message', onEarly);
    upstream.once('open', () => {
      if (socket.destroyed) return upstream.terminate();
      req.upstreamProtocol = upstream.protocol;
      this.wss.handleUpgrade(req, socket, head, (client) => {
        upstream.off('message', onEarly);
        this.link(client, upstream, early);
      });
    });
  }

  link(client, upstream, early) {
    const link = { client, upstream, up: new Pipe(this, upstream, false), down: new Pipe(this, client, true) };
    this.links.add(link);
    this.stats.links += 1;
    link.up.link = link.down.link = this.stats.links;
    client.on('error', () => {});
    client.on('message', (d) => link.up.push(d));
    upstream.on('message', (d) => link.down.push(d));
    for (const d of early) link.down.push(d);
    // A close on one side reaches the other after the data that came before it, as a FIN would.
    const closeAfter = (pipe, other, code, reason) => {
      const close = () => {
        pipe.onEmpty = null;
        // A frozen link is dead: neither end hears of the other's close.
        if (!pipe.frozen && other.readyState === WebSocket.OPEN) {
          try {
            other.close(code, reason);
          } catch {
            other.close();
          }
        }
      };
      if (pipe.queue.length) pipe.onEmpty = close;
      else close();
    };
    client.on('close', (code, reason) => closeAfter(link.up, upstream, code, reason));
    upstream.on('close', (code, reason) => closeAfter(link.down, client, code, reason));
    const gone = () => {
      if (client.readyState === WebSocket.CLOSED && upstream.readyState === WebSocket.CLOSED) {
        link.up.clear();
        link.down.clear();
        this.links.delete(link);
      }
    };
    client.on('close', gone);
    upstream.on('close', gone);
    this.emit('link', link);
  }

  /** Resolves when the next link is up both ways; rejects after `timeout` ms. */
  nextLink({ timeout = 120_000 } = {}) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('link', onLink);
        reject(new Error(`no new link through the fault proxy within ${timeout} ms`));
      }, timeout);
      const onLink = (link) => {
        clearTimeout(timer);
        resolve(link);
      };
      this.once('link', onLink);
    });
  }

  cut({ refuse = false } = {}) {
    if (refuse && this.server) {
      this.server.close();
      this.server = null;
    }
    for (const l of this.links) {
      l.up.clear();
      l.down.clear();
      l.client.terminate();
      l.upstream.terminate();
    }
    this.links.clear();
    // Handshakes under way go too.
    if (refuse) for (const s of this.sockets) s.destroy();
  }

  async restore() {
    if (!this.server) await this.listen();
  }

  stall() {
    this.stalled = true;
  }

  resume() {
    this.stalled = false;
    for (const l of this.links) {
      l.up.pump();
      l.down.pump();
    }
  }

  deafen() {
    for (const l of this.links) {
      l.down.frozen = true;
      l.down.clear();
    }
  }

  mute() {
    for (const l of this.links) {
      l.up.frozen = true;
      l.up.clear();
    }
  }

  freeze() {
    for (const l of this.links) {
      l.up.frozen = true;
      l.down.frozen = true;
      l.up.clear();
      l.down.clear();
    }
  }

  delay(ms) {
    this.delayMs = ms;
    if (!ms) for (const l of this.links) (l.up.pump(), l.down.pump());
  }

  trickle(on = true) {
    this.trickling = on;
  }

  coalesce(on = true) {
    this.coalescing = on;
    if (!on) this.release();
  }

  release() {
    for (const l of this.links) l.down.release();
  }

  /**
   * Writes one line per MQTT packet passed on (whole packets, as each side sends them) to
   * `write`: time, direction, link, type and, for the QoS flows, DUP, QoS, packet id and topic.
   * For finding out after the fact which side sent what; off unless asked for.
   */
  trace(write) {
    const TYPES = ['?', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];
    this.tracer = (pipe, buf) => {
      const head = `${Date.now()} ${pipe.down ? 'down' : 'up'} link${pipe.link}`;
      for (const p of packets(buf)) {
        const name = TYPES[p.type];
        if (p.type === 3) {
          const qos = (p.flags >> 1) & 3;
          const topicLen = p.body.readUInt16BE(0);
          const topic = p.body.subarray(2, 2 + topicLen).toString();
          const pkid = qos ? p.body.readUInt16BE(2 + topicLen) : 0;
          write(`${head} PUBLISH qos${qos} dup${(p.flags >> 3) & 1} id${pkid} ${topic}\n`);
        } else if (p.type >= 4 && p.type <= 7) write(`${head} ${name} id${p.body.readUInt16BE(0)}\n`);
        else if (p.type === 2) write(`${head} CONNACK session_present=${p.body[0] & 1}\n`);
        else write(`${head} ${name}\n`);
      }
    };
  }

  /** Follows broker -> app QoS 2 ids from PUBREL to PUBCOMP across links (the stats above). */
  watchReleased(down, buf) {
    const released = (this.released ||= new Set());
    for (const p of packets(buf)) {
      if (down && p.type === 6) released.add(p.body.readUInt16BE(0));
      else if (!down && p.type === 7) released.delete(p.body.readUInt16BE(0));
      else if (down && p.type === 3 && ((p.flags >> 1) & 3) === 2) {
        const id = p.body.readUInt16BE(2 + p.body.readUInt16BE(0));
        if (released.has(id)) this.stats.publishAfterPubrel++;
      }
    }
  }

  /** Messages waiting in the proxy (stalled or delayed), app -> broker and broker -> app. */
  queued() {
    let up = 0;
    let down = 0;
    for (const l of this.links) {
      up += l.up.queue.length;
      down += l.down.queue.length;
    }
    return { up, down };
  }

  held() {
    let n = 0;
    for (const l of this.links) for (const b of l.down.held) n += scanPackets(b).packets;
    return n;
  }

  /** Resolves once `n` MQTT packets are held for the app. */
  async waitHeld(n) {
    while (this.held() < n) await new Promise((r) => this.once('held', r));
  }

  close() {
    this.cut({ refuse: true });
    this.wss.close();
  }
}

/** Starts a fault proxy to `target` (a ws:// URL) on `port` (0: any free port). */
export async function faultProxy({ target, port = 0 }) {
  const p = new FaultProxy(target, port);
  await p.listen();
  return p;
}
