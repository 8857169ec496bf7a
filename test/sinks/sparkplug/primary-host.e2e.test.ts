/**
 * The edge node with `primary_host_id` against a real mosquitto (Sparkplug 3.0.0 §5.4, §5.5): no NBIRTH before the
 * host's STATE says online; an offline STATE makes it publish NDEATH, disconnect and birth again (the next bdSeq) once
 * the host is back; an older STATE and a STATE that is not one change nothing.
 */
import { describe, expect, it } from 'vitest';
import { startMosquitto } from '../../../src/testing/mosquitto.js';
import { edgeNodeSessions, flow, of } from '../../helpers/sparkplug-edge-node.js';
import { suiteServer } from '../../helpers/suite-server.js';
import type { SparkplugHost } from '../../helpers/sparkplug-host.js';

const broker = suiteServer(() => startMosquitto());
const withEdgeNode = edgeNodeSessions(() => broker().url);

/** Publishes the host's STATE as a host application does: retained, QoS 1. */
const publishState = (host: SparkplugHost, id: string, payload: string) =>
  host.client.publishAsync(`spBv1.0/STATE/${id}`, payload, { qos: 1, retain: true });
const state = (online: boolean, timestamp: number) => JSON.stringify({ online, timestamp });

describe('Sparkplug edge node with a primary host', () => {
  it(
    'births only once the host is online, leaves with NDEATH when it goes offline, births again when it is back',
    () =>
      withEdgeNode(
        'gw-phid',
        async ({ sink, host, log }) => {
          await publishState(host, 'scada-a', state(false, 1000));
          sink.write(flow(1, 5));
          await sink.start();
          await log.next(/^Sparkplug: primary host scada-a offline \(STATE timestamp 1000\)$/);
          expect(sink.failing()?.error).toBe(
            'Sparkplug: waiting for primary host scada-a to be online (its STATE says offline on spBv1.0/STATE/scada-a); no NBIRTH until it is',
          );
          // Older than the offline STATE taken: ignored. Not a STATE: refused, said, nothing changes.
          await publishState(host, 'scada-a', state(true, 999));
          await publishState(host, 'scada-a', 'ONLINE');
          await log.next(/^Sparkplug: refused a STATE on spBv1\.0\/STATE\/scada-a: not JSON/);
          expect(sink.failing()?.error).toMatch(/^Sparkplug: waiting for primary host scada-a/);
          expect(host.messages.filter(of('gw-phid', 'NBIRTH'))).toEqual([]);

          await publishState(host, 'scada-a', state(true, 2000));
          const nbirth = await host.next(of('gw-phid', 'NBIRTH'));
          expect(nbirth.metrics.bdSeq).toBe(0);
          expect((await host.next(of('gw-phid', 'DBIRTH', 'a'))).metrics).toEqual({ 'values/flow': 5 });
          expect(sink.failing()).toBeUndefined();

          const from = host.messages.length;
          const left = log.lines.length;
          await publishState(host, 'scada-a', state(false, 3000));
          const ndeath = await host.next(of('gw-phid', 'NDEATH'), from);
          expect(ndeath.metrics).toEqual({ bdSeq: 0 });
          // The next connection waits again: the retained STATE says offline.
          await log.nextFrom(left, /^Sparkplug edge node plant-line\/gw-phid connected to .* \(bdSeq 1\)$/);
          await log.nextFrom(left, /^Sparkplug: waiting for primary host scada-a/);
          sink.write(flow(2, 6));
          sink.write(flow(3, 7));
          expect(sink.failing()?.error).toMatch(/^Sparkplug: waiting for primary host scada-a/);

          await publishState(host, 'scada-a', state(true, 4000));
          const reborn = await host.next(of('gw-phid', 'NBIRTH'), from);
          expect(reborn.metrics.bdSeq).toBe(1);
          expect((await host.next(of('gw-phid', 'DBIRTH', 'a'), from)).metrics).toEqual({ 'values/flow': 7 });
          await log.nextFrom(
            left,
            /^Sparkplug primary host scada-a online: 1 metric values replaced while it was not were not sent/,
          );
          // Nothing was published between the NDEATH and the next NBIRTH.
          const between = host.messages.slice(host.messages.indexOf(ndeath) + 1, host.messages.indexOf(reborn));
          expect(between.filter((m) => m.node === 'gw-phid')).toEqual([]);
        },
        { settings: { primary_host_id: 'scada-a' } },
      ),
    30_000,
  );

  it(
    'ignores an offline STATE older than the online one it took',
    () =>
      withEdgeNode(
        'gw-phid-stale',
        async ({ sink, host }) => {
          await publishState(host, 'scada-b', state(true, 5000));
          await sink.start();
          const first = await host.next(of('gw-phid-stale', 'NBIRTH'));
          // The host's will from its session before, published late: older than its birth.
          await publishState(host, 'scada-b', state(false, 4000));
          // Then a Rebirth on the same connection: answered, so the stale STATE before it did not make the node leave.
          await host.command('gw-phid-stale', [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
          await host.next(of('gw-phid-stale', 'NBIRTH'), host.messages.indexOf(first) + 1);
          expect(host.messages.filter(of('gw-phid-stale', 'NDEATH'))).toEqual([]);
          expect(host.messages.filter(of('gw-phid-stale', 'NBIRTH')).map((m) => m.metrics.bdSeq)).toEqual([0, 0]);
          expect(sink.failing()).toBeUndefined();
        },
        { settings: { primary_host_id: 'scada-b' } },
      ),
    30_000,
  );
});
