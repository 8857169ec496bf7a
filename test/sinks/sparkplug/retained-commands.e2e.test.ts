/**
 * Retained commands on the node's NCMD and DCMD topics, against a real mosquitto: Sparkplug commands are never
 * retained, yet a broker keeps what a client retains and sends it at each subscription. One over the node's 64 KiB
 * bound closed every MQTT 3.1.1 connection (the node died and was born again, backing off, for as long as it was
 * there: regression); a small one (a Rebirth retained) made the node birth twice at each connection.
 */
import mqtt from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { startMosquitto } from '../../../src/testing/mosquitto.js';
import { edgeNodeSessions, of } from '../../helpers/sparkplug-edge-node.js';
import { suiteServer } from '../../helpers/suite-server.js';

const broker = suiteServer(() => startMosquitto());
const withEdgeNode = edgeNodeSessions(() => broker().url);
const codec = sparkplugPayload.get('spBv1.0')!;

/** Publishes `payload` retained on `topic`, as a misbehaving host would. */
async function retain(topic: string, payload: Uint8Array): Promise<void> {
  const client = await mqtt.connectAsync(broker().url, { protocolVersion: 4 });
  await client.publishAsync(topic, Buffer.from(payload), { qos: 1, retain: true });
  await client.endAsync();
}

/** The retained message the broker holds on `topic` (what a new subscription gets first), or undefined. */
async function retainedOn(topic: string): Promise<Buffer | undefined> {
  const client = await mqtt.connectAsync(broker().url, { protocolVersion: 4 });
  const first = new Promise<Buffer | undefined>((resolve) =>
    client.once('message', (_t, payload, packet) => resolve(packet.retain ? payload : undefined)),
  );
  await client.subscribeAsync(topic, { qos: 1 });
  // Sent after the subscription is answered: it comes first where no retained message came with the subscription.
  await client.publishAsync(topic, 'marker', { qos: 1 });
  const got = await first;
  await client.endAsync();
  return got;
}

const rebirth = () =>
  codec.encodePayload({
    timestamp: Date.now(),
    metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
  });

describe('retained commands', () => {
  it(
    'overflow_retained_ncmd_mqtt4: a retained NCMD over 64 KiB is cleared once, and the node then stays connected',
    () =>
      withEdgeNode(
        'gw-loop',
        async ({ sink, host, log }) => {
          const ncmd = 'spBv1.0/plant-line/NCMD/gw-loop';
          await retain(ncmd, Buffer.alloc(70_000, 0x0a));
          await sink.start();
          await log.next(
            /^Sparkplug broker .* sent a packet over 65536 bytes on spBv1\.0\/plant-line\/NCMD\/gw-loop: refused unread; a retained command \(Sparkplug commands are never retained\), which the broker sends again at each connection: the node clears it/,
          );
          const cleared = await log.next(
            /^Sparkplug: published an empty retained message on spBv1\.0\/plant-line\/NCMD\/gw-loop to clear/,
          );
          const seen = host.messages.length;
          const nbirth = await host.next(of('gw-loop', 'NBIRTH'), seen);
          expect(await retainedOn(ncmd)).toBeUndefined();
          // Still the same connection: a Rebirth is answered with its bdSeq, and nothing was refused since.
          await host.command('gw-loop', [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
          const again = await host.next(of('gw-loop', 'NBIRTH'), host.messages.indexOf(nbirth) + 1);
          expect(again.metrics.bdSeq).toBe(nbirth.metrics.bdSeq);
          expect(log.lines.slice(log.lines.indexOf(cleared)).filter((l) => l.msg.includes('refused unread'))).toEqual(
            [],
          );
          expect(host.messages.slice(seen).filter(of('gw-loop', 'NDEATH'))).toEqual([]);
        },
        { settings: { protocol_version: 4 } },
      ),
    30_000,
  );

  it(
    'a retained DCMD over 64 KiB on one of its devices is cleared; a retained message elsewhere is left alone',
    () =>
      withEdgeNode(
        'gw-dloop',
        async ({ sink, host, log }) => {
          const dcmd = 'spBv1.0/plant-line/DCMD/gw-dloop/press-1';
          await retain(dcmd, Buffer.alloc(70_000, 0x0a));
          const other = 'spBv1.0/other-line/NCMD/gw-dloop';
          await retain(other, Buffer.from('kept'));
          await sink.start();
          await log.next(
            /^Sparkplug: published an empty retained message on spBv1\.0\/plant-line\/DCMD\/gw-dloop\/press-1 to clear/,
          );
          await host.next(of('gw-dloop', 'NBIRTH'));
          expect(await retainedOn(dcmd)).toBeUndefined();
          expect(String(await retainedOn(other))).toBe('kept');
        },
        { settings: { protocol_version: 4 } },
      ),
    30_000,
  );

  it(
    'a retained Rebirth (sent before the connection) is refused and said once; a Rebirth sent to it is obeyed',
    () =>
      withEdgeNode('gw-stale', async ({ sink, host, log }) => {
        await retain('spBv1.0/plant-line/NCMD/gw-stale', rebirth());
        await sink.start();
        const first = await host.next(of('gw-stale', 'NBIRTH'));
        await log.next(
          /^Sparkplug: refused a command on spBv1\.0\/plant-line\/NCMD\/gw-stale: a retained command, sent before this connection: not obeyed/,
        );
        await host.command('gw-stale', [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
        await host.next(of('gw-stale', 'NBIRTH'), host.messages.indexOf(first) + 1);
        expect(host.messages.filter(of('gw-stale', 'NBIRTH'))).toHaveLength(2);
        expect(log.lines.filter((l) => l.msg.startsWith('Sparkplug: Rebirth asked for'))).toHaveLength(1);
      }),
    30_000,
  );
});

describe('a retained command the node may not clear (the broker ACL lets only the host publish commands)', () => {
  // The host logs in as host (any topic), the node as gw: it publishes births, data and deaths, only reads commands.
  const acl = [
    'user host',
    'topic readwrite #',
    'user gw',
    ...['NBIRTH', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH'].map((t) => `topic write spBv1.0/+/${t}/#`),
    'topic read spBv1.0/+/NCMD/#',
    'topic read spBv1.0/+/DCMD/#',
    '',
  ].join('\n');
  const guarded = suiteServer(() => startMosquitto({ user: { name: 'host', password: 'h' }, acl }));
  const hostUrl = () => guarded().url.replace('mqtt://', 'mqtt://host:h@');
  const withGuardedNode = edgeNodeSessions(hostUrl);

  it(
    'says that it came back after the clear, and the command that clears it as a user who may',
    () =>
      withGuardedNode(
        'gw-acl',
        async ({ sink, log }) => {
          guarded().addUser('gw', 'g');
          const ncmd = 'spBv1.0/plant-line/NCMD/gw-acl';
          const host = await mqtt.connectAsync(hostUrl(), { protocolVersion: 4 });
          await host.publishAsync(ncmd, Buffer.alloc(70_000, 0x0a), { qos: 1, retain: true });
          await sink.start();
          await log.next(/^Sparkplug: published an empty retained message on spBv1\.0\/plant-line\/NCMD\/gw-acl /);
          const back = await log.next(/a retained command, back although the node cleared it/);
          expect(back.msg).toBe(
            `Sparkplug broker ${guarded().url} sent a packet over 65536 bytes on ${ncmd}: refused unread; a retained command, back although the node cleared it: the broker does not let this node publish there (its ACL). Clear it as a user who may: mosquitto_pub -r -n -t ${ncmd}`,
          );
          // As the line says: the host's user clears it, and the node's next connection holds.
          await host.publishAsync(ncmd, Buffer.alloc(0), { qos: 1, retain: true });
          await host.endAsync();
          const from = log.lines.length;
          await log.nextFrom(from, /^Sparkplug edge node plant-line\/gw-acl connected/);
          expect(sink.failing()).toBeUndefined();
        },
        { url: guarded().url, settings: { username: 'gw', password: 'g', protocol_version: 4 } },
      ),
    60_000,
  );
});
