/**
 * A broker that sends one huge message (a fault injection: mosquitto told a client's Maximum Packet Size keeps to
 * it). It accepts the connection (CONNACK) and subscriptions (SUBACK), then sends a publish whose header announces
 * `announcedBytes` on `topic` and streams its body while the client reads, up to `cutoffBytes`: how much it got to
 * write before the client closed the connection is the test's measure.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

export interface OversizeBroker {
  readonly url: string;
  /** Bytes of the huge publish written before the client closed the connection (or cutoffBytes), per connection. */
  readonly written: number[];
  /** Resolves at the first connection the client closed (or at the cutoff), with the bytes written on it. */
  readonly firstClosed: Promise<number>;
  /** Resolves once `n` connections got the huge publish and were closed (or cut off). */
  flooded(n: number): Promise<void>;
  /** The protocol level of each connection accepted (CONNACK 0), in order. */
  readonly accepted: number[];
  /** Resolves once a client's QoS 1 publish was acknowledged on `n` connections. */
  published(n: number): Promise<void>;
  /** Resolves once `n` CONNECTs of a level it does not speak were answered (refused or closed). */
  unspokenAnswered(n: number): Promise<void>;
  close(): Promise<void>;
}

/** MQTT's variable byte integer (a remaining length's encoding). */
export function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** The packets (type byte, body) in `buf`, and the bytes of a packet not yet whole. */
function packets(buf: Buffer): { list: { type: number; flags: number; body: Buffer }[]; rest: Buffer } {
  const list: { type: number; flags: number; body: Buffer }[] = [];
  let at = 0;
  for (;;) {
    let i = at + 1;
    let length = 0;
    let scale = 1;
    while (i < buf.length && buf[i] & 0x80) {
      length += (buf[i] & 0x7f) * scale;
      scale *= 128;
      i++;
    }
    if (i >= buf.length) break;
    length += (buf[i] & 0x7f) * scale;
    const end = i + 1 + length;
    if (end > buf.length) break;
    list.push({ type: buf[at] >> 4, flags: buf[at] & 0x0f, body: buf.subarray(i + 1, end) });
    at = end;
  }
  return { list, rest: buf.subarray(at) };
}

export async function startOversizeBroker(opts: {
  topic: string;
  /** Send the publish after the CONNACK, after the first SUBACK, or after the client's first publish. */
  after: 'connack' | 'suback' | 'publish';
  announcedBytes?: number;
  cutoffBytes?: number;
  /** How many connections get the huge publish (default: each); later ones get acknowledgements only. */
  floods?: number;
  /** The MQTT protocol levels it speaks (default 4 and 5); a CONNECT of another is refused (return code 1), as a
   * 3.1.1-only broker answers MQTT 5. */
  speaks?: readonly number[];
  /** How a CONNECT of a level it does not speak is answered: CONNACK return code 1 (default), or the connection
   * closed with no CONNACK (as many 3.1.1-only brokers answer MQTT 5), or reset (TCP RST: ECONNRESET, as some do). */
  unspoken?: 'connack1' | 'close' | 'reset';
}): Promise<OversizeBroker> {
  let floods = opts.floods ?? Number.POSITIVE_INFINITY;
  const announced = opts.announcedBytes ?? 200 * 1024 * 1024;
  const cutoff = opts.cutoffBytes ?? 32 * 1024 * 1024;
  const written: number[] = [];
  const accepted: number[] = [];
  let publishedOn = 0;
  let unspoken = 0;
  let closed: (n: number) => void = () => undefined;
  const firstClosed = new Promise<number>((resolve) => (closed = resolve));
  const sockets = new Set<Socket>();
  const events = new EventEmitter();
  const firstPublish = new WeakSet<Socket>();

  const flood = async (socket: Socket): Promise<void> => {
    const topic = Buffer.from(opts.topic);
    const head = Buffer.from([0x30, ...varint(announced), topic.length >> 8, topic.length & 0xff, ...topic]);
    const chunk = Buffer.alloc(64 * 1024, 0x7b);
    let sent = 0;
    let gone = false;
    socket.once('close', () => (gone = true));
    const write = (b: Buffer) =>
      new Promise<void>((resolve) => {
        if (socket.write(b)) return resolve();
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    if (floods-- <= 0) return;
    await write(head);
    sent += head.length;
    while (!gone && sent < cutoff) {
      await write(chunk);
      if (!gone) sent += chunk.length;
    }
    written.push(sent);
    closed(sent);
    events.emit('flooded');
    socket.destroy();
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let level = 4;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (data) => {
      const { list, rest } = packets(Buffer.concat([pending, data]));
      pending = rest;
      for (const p of list) {
        if (p.type === 1) {
          level = p.body[6]; // after "\0\4MQTT"
          if (!(opts.speaks ?? [4, 5]).includes(level)) {
            if (opts.unspoken === 'close') socket.end();
            else if (opts.unspoken === 'reset') socket.resetAndDestroy();
            else socket.end(Buffer.from([0x20, 2, 0, 1]));
            unspoken++;
            events.emit('unspoken');
            continue;
          }
          socket.write(Buffer.from(level === 5 ? [0x20, 3, 0, 0, 0] : [0x20, 2, 0, 0]));
          accepted.push(level);
          if (opts.after === 'connack') void flood(socket);
        } else if (p.type === 3 && (p.flags & 0x06) !== 0) {
          // A QoS 1 publish from the client (the cloud sync's status) is acknowledged, so it can close.
          const at = 2 + p.body.readUInt16BE(0);
          socket.write(Buffer.from([0x40, 2, p.body[at], p.body[at + 1]]));
          if (!firstPublish.has(socket)) {
            firstPublish.add(socket);
            publishedOn++;
            events.emit('published');
          }
          if (opts.after === 'publish') void flood(socket);
        } else if (p.type === 8) {
          const id = [p.body[0], p.body[1]];
          const ack = level === 5 ? [...id, 0, 1] : [...id, 1];
          // One granted QoS per filter would be exact; a client with one filter gets one.
          socket.write(Buffer.from([0x90, ack.length, ...ack]));
          if (opts.after === 'suback') void flood(socket);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    written,
    firstClosed,
    async flooded(n) {
      while (written.length < n) await once(events, 'flooded');
    },
    accepted,
    async published(n) {
      while (publishedOn < n) await once(events, 'published');
    },
    async unspokenAnswered(n) {
      while (unspoken < n) await once(events, 'unspoken');
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
