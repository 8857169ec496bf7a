/**
 * The Sparkplug B edge node against a real mosquitto, seen by a host application that decodes with sparkplug-payload
 * (test/helpers/sparkplug-host.ts): births, data, seq, the will, a clean stop, a broker restart, commands.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';
import { startMosquitto } from '../../../src/testing/mosquitto.js';
import { goodSample } from '../../../src/testing/samples.js';
import { edgeNodeSessions, flow, of } from '../../helpers/sparkplug-edge-node.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';
import { suiteServer } from '../../helpers/suite-server.js';

const broker = suiteServer(() => startMosquitto());
const withEdgeNode = edgeNodeSessions(() => broker().url);

describe('Sparkplug B edge node', () => {
  it(
    'births the node then each asset with every metric, then sends only changed metrics',
    () =>
      withEdgeNode('gw-birth', async ({ sink, host }) => {
        sink.write({ samples: [goodSample('flow', 1000, 5), goodSample('temp', 1000, 40)], scores: [], alarms: [] });
        await sink.start();
        const nbirth = await host.next(of('gw-birth', 'NBIRTH'));
        expect([nbirth.metrics, nbirth.seq]).toEqual([{ bdSeq: 0, 'Node Control/Rebirth': false }, 0]);
        const dbirth = await host.next(of('gw-birth', 'DBIRTH', 'a'));
        expect([dbirth.metrics, dbirth.timestamps['values/flow'], dbirth.seq]).toEqual([
          { 'values/flow': 5, 'values/temp': 40 },
          1000,
          1,
        ]);
        sink.write({ samples: [goodSample('flow', 2000, 6), goodSample('temp', 2000, 40)], scores: [], alarms: [] });
        const ddata = await host.next(of('gw-birth', 'DDATA', 'a'));
        expect([ddata.metrics, ddata.timestamps['values/flow'], ddata.seq]).toEqual([{ 'values/flow': 6 }, 2000, 2]);
        // A new asset is born before its data; an asset gaining a metric is born again with all of them.
        const from = host.messages.length;
        sink.write({ samples: [], scores: [], alarms: [anomalyEvent('unack_active', { ts: 3000 })] });
        const pump = await host.next(of('gw-birth', 'DBIRTH', 'pump-1'), from);
        expect(pump.metrics).toEqual({ 'alarm/anomaly/active': true, 'alarm/anomaly/state': 'unack_active' });
        const score = { asset: 'a', model: 'm', modelVersion: '1', ts: 4000, score: 0.5, threshold: 1 };
        sink.write({ samples: [], scores: [{ ...score, anomalous: false, contributions: [] }], alarms: [] });
        const reborn = await host.next(of('gw-birth', 'DBIRTH', 'a'), from);
        expect(reborn.metrics).toEqual({
          'values/flow': 6,
          'values/temp': 40,
          'anomaly/score': 0.5,
          'anomaly/verdict': 'normal',
        });
        expect(host.messages.slice(from).filter(of('gw-birth', 'DDATA'))).toEqual([]);
      }),
    30_000,
  );

  it(
    'with the assets known from the configuration, births each once with every metric null, then sends values as data',
    () =>
      withEdgeNode(
        'gw-declared',
        async ({ sink, host }) => {
          await sink.start();
          const dbirth = await host.next(of('gw-declared', 'DBIRTH', 'pump-1'));
          expect([dbirth.metrics, dbirth.seq]).toEqual([
            {
              'values/flow': null,
              'anomaly/score': null,
              'anomaly/verdict': null,
              'alarm/anomaly/active': null,
              'alarm/anomaly/state': null,
            },
            1,
          ]);
          const score = { asset: 'pump-1', model: 'm', modelVersion: '1', ts: 3000, score: 0.5, threshold: 1 };
          sink.write({
            samples: [{ ...goodSample('flow', 2000, 6), asset: 'pump-1' }],
            scores: [{ ...score, anomalous: false, contributions: [] }],
            alarms: [anomalyEvent('unack_active', { ts: 4000 })],
          });
          const ddata = await host.next(of('gw-declared', 'DDATA', 'pump-1'));
          expect([ddata.metrics, ddata.timestamps['anomaly/score'], ddata.seq]).toEqual([
            {
              'values/flow': 6,
              'anomaly/score': 0.5,
              'anomaly/verdict': 'normal',
              'alarm/anomaly/active': true,
              'alarm/anomaly/state': 'unack_active',
            },
            3000,
            2,
          ]);
          expect(host.messages.filter(of('gw-declared', 'DBIRTH'))).toHaveLength(1);
        },
        {
          assets: [
            {
              asset: 'pump-1',
              channels: [{ name: 'flow', text: false }],
              scored: true,
              alarms: ['anomaly'],
              parts: false,
            },
          ],
        },
      ),
    30_000,
  );

  it(
    'sends the changes of a publish interval as one DDATA with the last value of each metric',
    () =>
      withEdgeNode(
        'gw-interval',
        async ({ sink, host }) => {
          await sink.start();
          sink.write(flow(1, 1));
          await host.next(of('gw-interval', 'DBIRTH', 'a'));
          for (let i = 2; i <= 5; i++) sink.write(flow(i, i));
          const ddata = await host.next(of('gw-interval', 'DDATA', 'a'));
          expect([ddata.metrics, ddata.timestamps['values/flow'], ddata.seq]).toEqual([{ 'values/flow': 5 }, 5, 2]);
        },
        { settings: { publish_interval_ms: 200 } },
      ),
    30_000,
  );

  it(
    'counts seq on every message and wraps 255 to 0',
    () =>
      withEdgeNode('gw-seq', async ({ sink, host }) => {
        await sink.start();
        await host.next(of('gw-seq', 'NBIRTH'));
        for (let i = 1; i <= 300; i++) sink.write(flow(i, i));
        await host.next((m) => of('gw-seq', 'DDATA')(m) && m.metrics['values/flow'] === 300);
        const seqs = host.messages.filter((m) => m.node === 'gw-seq').map((m) => m.seq);
        expect(seqs).toEqual(Array.from({ length: 301 }, (_, i) => i % 256));
      }),
    30_000,
  );

  it('the broker publishes NDEATH with the birth bdSeq when the connection dies; the next connection has the next', async () => {
    const proxy = await startTcpProxy(broker().port);
    try {
      await withEdgeNode(
        'gw-will',
        async ({ sink, host, log }) => {
          await sink.start();
          const first = await host.next(of('gw-will', 'NBIRTH'));
          proxy.setUp(false);
          await log.next(/connection lost/);
          const death = await host.next(of('gw-will', 'NDEATH'));
          expect(death.metrics).toEqual({ bdSeq: first.metrics.bdSeq });
          expect(sink.failing()?.error).toMatch(/^Sparkplug broker mqtt:\/\/127\.0\.0\.1:\d+: connection lost$/);
          const from = host.messages.length;
          proxy.setUp(true);
          const second = await host.next(of('gw-will', 'NBIRTH'), from);
          expect(second.metrics.bdSeq).toBe(1);
          expect(sink.failing()).toBeUndefined();
          // The second connection's will carries its own bdSeq.
          const lost = log.lines.length;
          proxy.setUp(false);
          await log.nextFrom(lost, /connection lost/);
          const secondDeath = await host.next(of('gw-will', 'NDEATH'), from);
          expect(secondDeath.metrics).toEqual({ bdSeq: 1 });
        },
        { url: `mqtt://127.0.0.1:${proxy.port}` },
      );
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it(
    'a clean stop publishes a DDEATH per asset and NDEATH',
    () =>
      withEdgeNode('gw-stop', async ({ sink, host }) => {
        await sink.start();
        sink.write({ ...flow(1, 1), alarms: [anomalyEvent('normal', { ts: 2 })] });
        await host.next(of('gw-stop', 'DBIRTH', 'pump-1'));
        await sink.close();
        const ndeath = await host.next(of('gw-stop', 'NDEATH'));
        expect(ndeath.metrics).toEqual({ bdSeq: 0 });
        const deaths = host.messages.filter(of('gw-stop', 'DDEATH')).map((m) => m.device);
        expect(deaths.sort()).toEqual(['a', 'pump-1']);
      }),
    30_000,
  );

  it(
    'after a broker restart births again with the next bdSeq and last values, and says what it did not send',
    () =>
      withEdgeNode('gw-restart', async ({ sink, host, log, metrics }) => {
        host.client.options.reconnectPeriod = 100;
        await sink.start();
        sink.write(flow(1, 1));
        await host.next(of('gw-restart', 'DBIRTH', 'a'));
        const from = log.lines.length;
        await broker().pause();
        await log.nextFrom(from, /connection lost/);
        sink.write(flow(2, 2));
        sink.write(flow(3, 3));
        const seen = host.messages.length;
        await broker().resume();
        const nbirth = await host.next(of('gw-restart', 'NBIRTH'), seen);
        expect(nbirth.metrics.bdSeq).toBe(1);
        const dbirth = await host.next(of('gw-restart', 'DBIRTH', 'a'), seen);
        expect([dbirth.metrics, dbirth.timestamps['values/flow']]).toEqual([{ 'values/flow': 3 }, 3]);
        await log.nextFrom(
          from,
          /^Sparkplug broker .* reachable again: 1 metric values replaced while it was not were not sent \(the births carry each metric's last value\)$/,
        );
        const dropped = await metrics.sinkDroppedPoints.get();
        expect(dropped.values.find((v) => v.labels.sink === 'sparkplug')?.value).toBe(1);
      }),
    30_000,
  );

  it(
    'answers NCMD Rebirth with NBIRTH and DBIRTHs; refuses and logs any other command',
    () =>
      withEdgeNode('gw-cmd', async ({ sink, host, log }) => {
        await sink.start();
        sink.write(flow(1, 7));
        await host.next(of('gw-cmd', 'DBIRTH', 'a'));
        const from = host.messages.length;
        await host.command('gw-cmd', [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
        const nbirth = await host.next(of('gw-cmd', 'NBIRTH'), from);
        expect(nbirth.seq).toBe(0);
        const dbirth = await host.next(of('gw-cmd', 'DBIRTH', 'a'), from);
        expect(dbirth.metrics).toEqual({ 'values/flow': 7 });
        await host.command('gw-cmd', [{ name: 'values/flow', type: 'Double', value: 99 }], 'a');
        await log.next(
          /^Sparkplug: refused a command on spBv1\.0\/plant-line\/DCMD\/gw-cmd\/a: a write of values\/flow: linewatch takes no writes/,
        );
        await host.command('gw-cmd', [{ name: 'Node Control/Next Server', type: 'Boolean', value: true }]);
        await log.next(
          /^Sparkplug: refused a command on spBv1\.0\/plant-line\/NCMD\/gw-cmd: a write of Node Control\/Next Server:/,
        );
        // JSON, not Sparkplug B: refused, said once however often it comes.
        for (let i = 0; i < 3; i++)
          await host.client.publishAsync('spBv1.0/plant-line/NCMD/gw-cmd', '{"rebirth":true}', { qos: 1 });
        await host.command('gw-cmd', [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
        await host.next(of('gw-cmd', 'NBIRTH'), host.messages.indexOf(nbirth) + 1);
        expect(log.at(40).filter((l) => l.includes('not a Sparkplug B payload'))).toEqual([
          'Sparkplug: refused a command on spBv1.0/plant-line/NCMD/gw-cmd: not a Sparkplug B payload (index out of range: 3 + 114 > 16)',
        ]);
      }),
    30_000,
  );

  it(
    'drops a command over 4096 bytes undecoded: counted, in its status, said; a Rebirth after it is answered',
    () =>
      withEdgeNode('gw-big', async ({ sink, host, log, metrics }) => {
        // Both series exist from the start, at 0 (an alert on increase() sees the first drop).
        const atStart = await metrics.sparkplugCommandsDropped.get();
        expect(atStart.values.map((v) => [v.labels.reason, v.value])).toEqual([
          ['too_large', 0],
          ['over_budget', 0],
        ]);
        await sink.start();
        const first = await host.next(of('gw-big', 'NBIRTH'));
        await host.client.publishAsync('spBv1.0/plant-line/DCMD/gw-big/a', Buffer.alloc(10_000, 0x0a), { qos: 1 });
        await host.command('gw-big', [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
        await host.next(of('gw-big', 'NBIRTH'), host.messages.indexOf(first) + 1);
        expect(sink.commandsDropped()).toEqual({ tooLarge: 1, overBudget: 0, lastAt: expect.any(Number) as number });
        const dropped = await metrics.sparkplugCommandsDropped.get();
        expect(dropped.values.map((v) => [v.labels.reason, v.value])).toEqual([
          ['too_large', 1],
          ['over_budget', 0],
        ]);
        expect(log.at(40)).toContain(
          'Sparkplug: dropped a command on spBv1.0/plant-line/DCMD/gw-big/a undecoded: 10000 bytes, over 4096',
        );
      }),
    30_000,
  );

  it(
    'says a refused write once per line shown (names alike in their first 64 characters: one line)',
    () =>
      withEdgeNode('gw-long', async ({ sink, host, log }) => {
        await sink.start();
        await host.next(of('gw-long', 'NBIRTH'));
        // A publisher varying the end of a long name (3,000 characters: larger commands are not decoded): each was a
        // line of its own, and kept whole.
        const long = 'w'.repeat(3000);
        for (const end of ['1', '2', '3'])
          await host.command('gw-long', [{ name: `${long}${end}`, type: 'Boolean', value: true }]);
        await host.command('gw-long', [{ name: 'last', type: 'Boolean', value: true }]);
        await log.next(/a write of last:/);
        expect(log.at(40).filter((l) => l.includes('a write of w'))).toEqual([
          `Sparkplug: refused a command on spBv1.0/plant-line/NCMD/gw-long: a write of ${'w'.repeat(64)}…: linewatch takes no writes from the broker, only Node Control/Rebirth`,
        ]);
        // Past 256 different ones, that the others are not logged is said once: commands.test.ts (here 260 commands in
        // a row would spend the 20 ms a second commands may take, and be dropped: command-gate.ts).
      }),
    30_000,
  );

  it('keeps bdSeq across restarts in bdseq_file; a file holding something else is said and left as it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-sparkplug-'));
    const bdseq_file = join(dir, 'sparkplug-bdseq');
    const run = (expected: number) =>
      withEdgeNode(
        'gw-bdseq',
        async ({ sink, host }) => {
          const from = host.messages.length;
          await sink.start();
          expect((await host.next(of('gw-bdseq', 'NBIRTH'), from)).metrics.bdSeq).toBe(expected);
        },
        { settings: { bdseq_file } },
      );
    await run(0);
    await run(1);
    expect(await readFile(bdseq_file, 'utf8')).toBe('1\n');
    await writeFile(bdseq_file, 'hello');
    await withEdgeNode(
      'gw-bdseq',
      async ({ sink, host, log }) => {
        await sink.start();
        expect((await host.next(of('gw-bdseq', 'NBIRTH'))).metrics.bdSeq).toBe(0);
        expect(log.at(40)).toContain(
          `Sparkplug: bdSeq file ${bdseq_file}: not a bdSeq (a number from 0 to 255); bdSeq starts at 0 and is not kept: the file is left as it is (remove it, or name another bdseq_file)`,
        );
      },
      { settings: { bdseq_file } },
    );
    // bdseq_file naming the config or a model by mistake must not cost the user that file.
    expect(await readFile(bdseq_file, 'utf8')).toBe('hello');
  }, 30_000);
});
