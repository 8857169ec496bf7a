/**
 * InfluxDB answers that influxd 1.x itself does not give, through a fault-injecting proxy in front
 * of a real influxd (issue: "error bodies are read whole"): a huge error body is not read past its
 * first bytes.
 */
import { describe, expect, it } from 'vitest';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { startFaultProxy, type FaultAnswer } from '../../helpers/http-faults.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { influxSinkUnderTest } from './influx-sink-fixture.js';

const influx = suiteServer(() => startInfluxd());
const count = async (db: string) =>
  Number((await influx().query(db, 'SELECT COUNT(value) FROM linewatch_sample'))[0]?.values[0][1] ?? 0);

/** A sink writing to `database` (created here) through a proxy that gives `answers` to its first writes. */
async function throughProxy(database: string, answers: FaultAnswer[]) {
  await influx().query('_internal', `CREATE DATABASE ${database}`);
  const proxy = await startFaultProxy(influx().url, '/write', answers);
  return { ...influxSinkUnderTest({ url: proxy.url, database, create_database: false }), proxy };
}

describe('InfluxDB answers kept and retried', () => {
  it('a 503 with a 64 MiB body: only its first 64 KiB are read, the batch is kept, the log shows its start', async () => {
    const { s, log, clock, proxy } = await throughProxy('plant_big', [{ status: 503, streamBytes: 64 << 20 }]);
    try {
      s.write({ samples: sampleRun(10, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      expect(s.buffered).toBe(10);
      // What the socket took before the sink hung up: the 64 KiB read, plus what the kernel's buffers hold.
      const sent = await proxy.streamed[0];
      process.stdout.write(`influx 503 with a 64 MiB body: the proxy handed ${sent} bytes to the socket\n`);
      expect(sent).toBeLessThan(16 << 20); // all 64 MiB before the fix
      expect(log.at(40)).toEqual([`influxdb answered 503: ${'x'.repeat(300)}…; points stay queued, retrying`]);
      clock.now += 60_000;
      await s.close();
      expect(await count('plant_big')).toBe(10);
    } finally {
      await proxy.close();
    }
  });
});
