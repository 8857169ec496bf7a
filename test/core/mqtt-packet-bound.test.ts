/** The incoming packet bound reads packet boundaries from the bytes as they come, however the reads split them. */
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import fc from 'fast-check';
import { MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { boundIncomingPackets, PacketSizeGuard, refusedPacketText } from '../../src/core/mqtt-packet-bound.js';
import { varint } from '../helpers/oversize-broker.js';

/** A QoS 0 publish of `payloadBytes` on `topic`, whole. */
function publish(topic: string, payloadBytes: number): Buffer {
  const t = Buffer.from(topic);
  const remaining = 2 + t.length + payloadBytes;
  return Buffer.concat([
    Buffer.from([0x30, ...varint(remaining), t.length >> 8, t.length & 0xff]),
    t,
    Buffer.alloc(payloadBytes, 0x20),
  ]);
}

/** Feeds `bytes` in reads of `size`, returning the refusal and after how many bytes it came. */
function feedInReads(guard: PacketSizeGuard, bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) {
    const refused = guard.feed(bytes.subarray(at, at + size));
    if (refused) return { refused, after: Math.min(at + size, bytes.length) };
  }
  return undefined;
}

const CONNACK = Buffer.from([0x20, 2, 0, 0]);
const PUBACK = Buffer.from([0x40, 2, 0, 7]);
const PINGRESP = Buffer.from([0xd0, 0]);

describe('PacketSizeGuard', () => {
  it('passes packets up to the bound, whatever the reads; refuses the first one over it, with its topic', () => {
    const bound = 300;
    const fits = publish('plant/a', bound - 1 - 2 - 2 - 'plant/a'.length); // 1 type byte, 2 length bytes
    expect(fits.length).toBe(bound);
    const huge = publish('plant/pump-1/telemetry', 5_000_000);
    const stream = Buffer.concat([CONNACK, fits, PUBACK, PINGRESP, fits, huge]);
    const hugeAt = stream.length - huge.length;
    for (const size of [1, 2, 3, 7, 64, 1000, stream.length]) {
      const got = feedInReads(new PacketSizeGuard(bound), stream, size);
      expect(got?.refused).toEqual({ type: 'publish', bytes: huge.length, topic: 'plant/pump-1/telemetry' });
      // Known in the read that brings the end of its header and topic: no read of its payload needed.
      const topicEnd = hugeAt + 1 + 4 + 2 + 'plant/pump-1/telemetry'.length;
      expect(got!.after).toBeGreaterThanOrEqual(topicEnd);
      expect(got!.after).toBeLessThan(topicEnd + size);
    }
    expect(feedInReads(new PacketSizeGuard(bound), Buffer.concat([CONNACK, fits, fits, PINGRESP]), 5)).toBeUndefined();
  });

  it('refuses a packet one byte over the bound, another type without a topic, and says each in words', () => {
    const p = publish('t', 100);
    expect(new PacketSizeGuard(p.length).feed(p)).toBeUndefined();
    expect(new PacketSizeGuard(p.length - 1).feed(p)).toEqual({ type: 'publish', bytes: p.length, topic: 't' });
    const suback = Buffer.from([0x90, ...varint(70_000)]);
    const refused = new PacketSizeGuard(65_536).feed(suback);
    expect(refused).toEqual({ type: 'suback', bytes: 1 + 3 + 70_000 });
    expect(refusedPacketText(refused!)).toBe('a suback of 70004 bytes');
    expect(refusedPacketText({ type: 'publish', bytes: 9, topic: 'a/b' })).toBe('a publish on a/b of 9 bytes');
    expect(refusedPacketText({ type: 'publish', bytes: 9, topic: '' })).toBe(
      'a publish (its topic by alias) of 9 bytes',
    );
    expect(refusedPacketText({ type: 'publish', bytes: 9, topic: 'x'.repeat(300) })).toBe(
      `a publish on ${'x'.repeat(200)}… of 9 bytes`,
    );
  });

  it('says a refused publish that the broker sent as a retained message (its RETAIN flag), and only that one', () => {
    const p = publish('spBv1.0/g/NCMD/n', 100);
    const retained = Buffer.from(p);
    retained[0] |= 0x01;
    const guard = new PacketSizeGuard(p.length - 1);
    expect(guard.feed(retained)).toEqual({
      type: 'publish',
      bytes: p.length,
      topic: 'spBv1.0/g/NCMD/n',
      retained: true,
    });
    // QoS 1 (0x32) without RETAIN: not retained.
    const qos1 = Buffer.from(p);
    qos1[0] = 0x32;
    expect(new PacketSizeGuard(p.length - 1).feed(qos1)).toEqual({
      type: 'publish',
      bytes: p.length,
      topic: 'spBv1.0/g/NCMD/n',
    });
  });

  it('stops at bytes that are not MQTT (a remaining length of 5 bytes), leaving them to the parser', () => {
    // Four length bytes that all go on: mqtt-packet's parser fails there, and the connection is closed (below).
    const bad = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const errors: string[] = [];
    parser.on('error', (err) => errors.push(err.message));
    parser.parse(bad);
    expect(errors).toEqual(['Invalid variable byte integer']);
    const guard = new PacketSizeGuard(100);
    // Not read as a fifth length byte (before: a publish of 34359738373 bytes, its 'topic' the bytes that follow)
    expect(guard.feed(bad)).toBeUndefined();
    expect(guard.feed(Buffer.from([0, 1, 0x41]))).toBeUndefined();
    expect(guard.feed(publish('t', 1000))).toBeUndefined();
  });

  // mqtt.js's parser, on a packet it cannot read, drops what it holds and reads the next socket read as a new packet,
  // and mqtt.js keeps the connection open: a guard counting on would then read the body of a huge publish as headers.
  it.each([
    ['a QoS 3 publish', [0x36, 0x7f]],
    ['a pubrel with wrong flags', [0x60, 0x7f]],
    ['a remaining length of 5 bytes', [0x30, 0xff, 0xff, 0xff, 0xff, 0xff]],
    ['a publish whose topic runs past its end', [0x30, 3, 0x00, 0x09, 0x61]],
  ])('a connection is closed at %s, so a publish over the bound after it is never read', async (_what, bad) => {
    const streams: Duplex[] = [];
    const client = new MqttClient(
      () => {
        const d = new Duplex({ read: () => undefined, write: (_c, _e, done) => done() });
        streams.push(d);
        return d;
      },
      { protocolVersion: 4, reconnectPeriod: 0, keepalive: 0, clientId: 'guard-test' },
    );
    const errors: string[] = [];
    client.on('error', (err) => errors.push(err.message));
    const refused: unknown[] = [];
    boundIncomingPackets(client, 1000, (p) => refused.push(p));
    const stream = streams[0];
    stream.push(Buffer.from([0x20, 2, 0, 0]));
    await new Promise((resolve) => client.once('connect', resolve));
    const outcome = Promise.race([
      once(stream, 'close').then(() => 'closed'),
      // (not events.once, which rejects at the client's parse error)
      new Promise((resolve) => client.on('message', (_t, p) => resolve(`read a message of ${p.length} bytes`))),
    ]);
    stream.push(Buffer.from(bad)); // a read of its own: the parser fails on it
    stream.push(publish('plant/x', 5000)); // the next read
    expect(await outcome).toBe('closed');
    expect(errors.length).toBe(1);
    expect(streams.length).toBe(1);
    client.end(true);
  });
});

describe('PacketSizeGuard against mqtt-packet', () => {
  /** A packet as a broker sends it, by mqtt-packet's own encoder: `size` sets its payload or its reason codes. */
  const packet = (kind: number, size: number, version: 4 | 5): Buffer => {
    const properties = version === 5 ? { userProperties: { site: 'x'.repeat(size % 50) } } : undefined;
    const packets: Record<number, object> = {
      0: { cmd: 'publish', topic: `plant/${size}`, payload: Buffer.alloc(size, 1), qos: 0, properties },
      1: { cmd: 'publish', topic: 'a', payload: Buffer.alloc(size), qos: 1, messageId: 7, properties },
      2: { cmd: 'publish', topic: 't/'.repeat(size % 400), payload: 'x', qos: 2, messageId: 9, retain: true },
      3: { cmd: 'puback', messageId: 3 },
      4: { cmd: 'suback', messageId: 4, granted: Array.from({ length: 1 + (size % 300) }, () => 1) },
      5: { cmd: 'pingresp' },
    };
    return mqttPacket.generate(packets[kind] as mqttPacket.Packet, { protocolVersion: version });
  };

  it('refuses exactly the first packet over the bound, with its size, topic and RETAIN flag, however the reads split the stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 20_000 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.constantFrom(4 as const, 5 as const),
        fc.integer({ min: 2, max: 20_000 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 8 }),
        (kinds, version, bound, reads) => {
          const list = kinds.map(([kind, size]) => packet(kind, size, version));
          const stream = Buffer.concat(list);
          const first = list.findIndex((p) => p.length > bound);
          const guard = new PacketSizeGuard(bound);
          let refused;
          for (let at = 0, r = 0; at < stream.length && !refused; at += reads[r++ % reads.length])
            refused = guard.feed(stream.subarray(at, at + reads[r % reads.length]));
          if (first < 0) {
            expect(refused).toBeUndefined();
            return;
          }
          const p = mqttPacket.parser({ protocolVersion: version });
          let parsed: mqttPacket.Packet | undefined;
          p.on('packet', (x) => (parsed = x));
          p.parse(list[first]);
          expect(refused).toEqual({
            type: parsed!.cmd,
            bytes: list[first].length,
            ...(parsed!.cmd === 'publish' ? { topic: (parsed as mqttPacket.IPublishPacket).topic } : {}),
            ...(parsed!.cmd === 'publish' && (parsed as mqttPacket.IPublishPacket).retain ? { retained: true } : {}),
          });
        },
      ),
      { seed: 20261206, numRuns: 300 },
    );
  });
});
