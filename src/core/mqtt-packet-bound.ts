/**
 * A bound on the MQTT packets a broker sends a client, kept before a packet is read whole. mqtt.js reads every packet
 * into memory before it looks at it (its MQTT 5 `maximumPacketSize` check comes after that, and MQTT 3.1.1 has
 * none), so a broken or hostile broker could make the gateway buffer up to 256 MB per packet. The guard here reads
 * the bytes as they arrive, only the fixed headers (type and remaining length) and, for a publish over the bound, its
 * topic: a packet over the bound is known from its first bytes, and the connection is closed then (as MQTT 5 says a
 * client does with a packet over its Maximum Packet Size). At most the bound and one socket read are held.
 */
import type { Duplex } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { shellWord } from './shell-word.js';

/** A packet refused: its type, its whole size as its header gives it, and a publish's topic. */
export interface RefusedPacket {
  readonly type: string;
  readonly bytes: number;
  /** A publish's topic ('' where it comes by a topic alias); undefined for other packets. */
  readonly topic?: string;
  /**
   * A publish with its RETAIN flag: a retained message the broker sent because the client subscribed (MQTT 3.1.1
   * §3.3.1.3, MQTT 5 §3.3.1.3), which it sends again at each subscription; absent otherwise.
   */
  readonly retained?: true;
}

const TYPES = [
  'reserved',
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'auth',
];
const PUBLISH = 3;
/** A publish's RETAIN flag, in the first byte of its fixed header. */
const RETAIN = 0x01;

/** Reads the packet boundaries of a byte stream from a broker and says the first packet over `maxBytes`. */
export class PacketSizeGuard {
  /** The fixed header read so far (type byte and remaining-length bytes). */
  private header: number[] = [];
  /** Bytes of the current packet's body still to pass. */
  private skip = 0;
  /** A refused publish: the type and size known, its topic being read. */
  private refusing:
    { bytes: number; retained: boolean; topic: number[]; topicLength: number; lengthBytes: number[] } | undefined;
  /** Set once the stream cannot be read as MQTT (a bad length): the client's parser says so; the guard stops. */
  private lost = false;

  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes as read; returns the first packet over the bound once known (a publish: once its topic is read). */
  feed(chunk: Uint8Array): RefusedPacket | undefined {
    let i = 0;
    while (i < chunk.length && !this.lost) {
      if (this.refusing) {
        const r = this.refusing;
        if (r.lengthBytes.length < 2) r.lengthBytes.push(chunk[i++]);
        else r.topic.push(chunk[i++]);
        if (r.lengthBytes.length === 2) r.topicLength = Math.min((r.lengthBytes[0] << 8) | r.lengthBytes[1], r.bytes);
        if (r.lengthBytes.length === 2 && r.topic.length >= r.topicLength)
          return {
            type: 'publish',
            bytes: r.bytes,
            topic: Buffer.from(r.topic).toString('utf8'),
            ...(r.retained ? { retained: true as const } : {}),
          };
      } else if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
      } else {
        this.header.push(chunk[i++]);
        const refused = this.headerRead();
        if (refused) return refused;
      }
    }
    return undefined;
  }

  /** After each header byte: where the header is whole, the packet passes (its body skipped) or is refused. */
  private headerRead(): RefusedPacket | undefined {
    const h = this.header;
    if (h.length < 2 || (h[h.length - 1] & 0x80) !== 0) {
      if (h.length === 5) this.lost = true; // a fourth length byte that goes on: not MQTT (as mqtt-packet reads it)
      return undefined;
    }
    let remaining = 0;
    for (let k = h.length - 1; k >= 1; k--) remaining = remaining * 128 + (h[k] & 0x7f);
    const bytes = h.length + remaining;
    const type = h[0] >> 4;
    this.header = [];
    if (bytes <= this.maxBytes) {
      this.skip = remaining;
      return undefined;
    }
    if (type !== PUBLISH || remaining < 2) return { type: TYPES[type], bytes };
    this.refusing = { bytes, retained: (h[0] & RETAIN) !== 0, topic: [], topicLength: 0, lengthBytes: [] };
    return undefined;
  }
}

/** The most of a topic a message or log line shows: a topic may be 64 KiB long, and a publisher chooses it. */
const TOPIC_SHOWN = 200;

/** A topic as messages show it: its first TOPIC_SHOWN characters, "…" where it is longer. */
export const shownTopic = (topic: string): string =>
  topic.length > TOPIC_SHOWN ? `${topic.slice(0, TOPIC_SHOWN)}…` : topic;

/**
 * The command that deletes a retained message on `topic` (an empty retained publish), for a log line; undefined where
 * the topic is not known (empty: sent by alias) or longer than a line shows it.
 */
export function clearRetainedCommand(topic: string | undefined): string | undefined {
  if (topic === undefined || topic === '' || shownTopic(topic) !== topic) return undefined;
  return `mosquitto_pub -r -n -t ${shellWord(topic)}`;
}

/** A refused packet in words: "a publish on plant/x of 2000000 bytes". */
export function refusedPacketText(p: RefusedPacket): string {
  const topic = p.topic === undefined ? '' : p.topic === '' ? ' (its topic by alias)' : ` on ${shownTopic(p.topic)}`;
  return `a ${p.type}${topic} of ${p.bytes} bytes`;
}

type StreamBuilder = (client: MqttClient) => Duplex;

/**
 * Bounds the packets a client takes: at each connection it opens, the first packet over `maxBytes` closes that
 * connection before it is read whole, and `onRefused` is told once it is closed. The client then does what it does on
 * any lost connection (reconnects, or reports it). mqtt.js builds a stream for each connection with its
 * `streamBuilder` and pipes it to its parser; the guard listens to the same stream, first: to the one a client just
 * made by mqtt.connect has (no byte is read before the next turn of the event loop), and to each one it builds later.
 */
export function boundIncomingPackets(
  client: MqttClient,
  maxBytes: number,
  onRefused: (packet: RefusedPacket) => void,
): void {
  const c = client as unknown as { streamBuilder?: StreamBuilder; stream?: Duplex };
  const build = c.streamBuilder;
  if (typeof build !== 'function' || c.stream === undefined)
    throw new Error('the mqtt client has no streamBuilder or stream (mqtt.js changed): packets cannot be bounded');
  const guarded = (stream: Duplex): Duplex => {
    const guard = new PacketSizeGuard(maxBytes);
    const watch = (chunk: Buffer) => {
      const refused = guard.feed(chunk);
      if (!refused) return;
      stream.off('data', watch);
      // Told once closed (the client still handles the packets that came before it in this read, a CONNACK), and
      // before the client hears of the close.
      stream.prependOnceListener('close', () => onRefused(refused));
      stream.destroy();
    };
    stream.prependListener('data', watch);
    return stream;
  };
  c.streamBuilder = (owner) => guarded(build(owner));
  guarded(c.stream);
  // A packet mqtt.js's parser cannot read (a malformed header or body) makes it drop what it holds and read the next
  // socket read as a new packet, and mqtt.js keeps the connection open (it closes it on every other protocol error):
  // the guard, counting on, would no longer see the packets parsed, and the next read could start a publish of any
  // size. So an error on a connection that is not being ended closes it, as MQTT says a client does on a malformed
  // packet.
  client.on('error', () => {
    if (!client.disconnecting && !c.stream!.destroyed) c.stream!.destroy();
  });
}
