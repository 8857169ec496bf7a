/**
 * InfluxDB behind a reverse proxy under a path (`url: http://host/influx/`): writes went to /influx/write, but
 * CREATE DATABASE (and the retention policy) went to /query at the root, which the proxy answers 404, so the database
 * was never created and every write was retried for ever. A real influxd behind an in-process proxy that serves it
 * under /influx only: every request keeps the prefix, the database and its retention policy are created.
 */
import { describe, expect, it } from 'vitest';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { startFaultProxy } from '../../helpers/http-faults.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { influxSinkUnderTest } from './influx-sink-fixture.js';

const influx = suiteServer(() => startInfluxd());

describe('InfluxDB under a path prefix', () => {
  it.each([
    ['with a trailing slash', '/influx/', 'plant_prefix_a'],
    ['without one', '/influx', 'plant_prefix_b'],
  ])(
    'url %s: the database and its retention policy are created there and every point written',
    async (_, path, database) => {
      const proxy = await startFaultProxy(influx().url, '/none', [], { prefix: '/influx' });
      try {
        const { s, lines } = influxSinkUnderTest({ url: `${proxy.url}${path}`, database, retention: '30d' });
        s.write({ samples: sampleRun(80, Date.now() - 10_000), scores: [], alarms: [] });
        await s.flush();
        expect(s.buffered).toBe(0); // kept for ever before the fix (CREATE DATABASE answered 404)
        await s.close();
        const counted = await influx().query(database, 'SELECT COUNT(value) FROM linewatch_sample');
        expect(counted[0]?.values[0][1]).toBe(80);
        const policies = await influx().query(database, `SHOW RETENTION POLICIES ON "${database}"`);
        expect(policies[0]?.values).toContainEqual(['linewatch', '720h0m0s', '24h0m0s', 1, true]);
        const paths = proxy.requests.map((r) => r.url.split('?')[0]);
        expect(new Set(paths)).toEqual(new Set(['/influx/query', '/influx/write']));
        expect(lines.filter((l) => l.level >= 40)).toEqual([]);
      } finally {
        await proxy.close();
      }
    },
  );

  it('a start with another retention alters the policy there (the ALTER path)', async () => {
    const proxy = await startFaultProxy(influx().url, '/none', [], { prefix: '/influx' });
    try {
      for (const retention of ['30d', '52w']) {
        const { s } = influxSinkUnderTest({ url: `${proxy.url}/influx/`, database: 'plant_prefix_rp', retention });
        s.write({ samples: sampleRun(10, Date.now() - 10_000), scores: [], alarms: [] });
        await s.close();
      }
      const policies = await influx().query('plant_prefix_rp', 'SHOW RETENTION POLICIES ON "plant_prefix_rp"');
      expect(policies[0]?.values).toContainEqual(['linewatch', '8736h0m0s', '24h0m0s', 1, true]);
      expect(proxy.requests.filter((r) => !r.url.startsWith('/influx/'))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
