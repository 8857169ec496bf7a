/**
 * CREATE DATABASE where the server will not run it (issue: "InfluxDB 3.x without a token may retry CREATE DATABASE
 * forever"): with create_database left on and no token, 3.x answers 500 "must specify a 'db' parameter" (earlier
 * releases; later ones 200 with that error), a /query it does not serve 404, 405 or 501; the sink took each for
 * InfluxDB unreachable and kept every point, retrying the statement for ever. Against a real influxd 1.x behind a
 * proxy that gives those answers to /query and forwards the writes: warned once, even when the setup runs again after
 * a write found the database missing, and every point written; an answer that may pass (503) is retried, and the
 * real influxd then creates the database.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { startFaultProxy, type FaultAnswer } from '../../helpers/http-faults.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { influxSinkUnderTest } from './influx-sink-fixture.js';

const influx = suiteServer(() => startInfluxd());
const count = async (db: string) =>
  Number((await influx().query(db, 'SELECT COUNT(value) FROM linewatch_sample'))[0]?.values[0][1] ?? 0);

const NO_DB = "must specify a 'db' parameter, or provide the database in the InfluxQL query";
const onQuery = (answer: FaultAnswer) => (req: IncomingMessage) => (req.url?.startsWith('/query') ? answer : undefined);

describe('CREATE DATABASE that the server will not run', () => {
  it.each([
    ['3.x without authentication, earlier releases', 'plant_s500', { status: 500, body: NO_DB }, `HTTP 500: ${NO_DB}`],
    [
      '3.x without authentication, later releases',
      'plant_s200',
      { status: 200, body: JSON.stringify({ results: [{ statement_id: 0, error: NO_DB }] }) },
      `HTTP 200: ${NO_DB}`,
    ],
    [
      'a proxy without /query',
      'plant_s404',
      { status: 404, body: '404 page not found' },
      'HTTP 404: 404 page not found',
    ],
    ['a /query for GET only', 'plant_s405', { status: 405, body: '' }, 'HTTP 405: (no body)'],
    [
      'a server that does not implement it',
      'plant_s501',
      { status: 501, body: 'Not Implemented' },
      'HTTP 501: Not Implemented',
    ],
  ])(
    '%s: warned once, also when the database is set up again, and every point written',
    async (_, database, answer, detail) => {
      await influx().query('_internal', `CREATE DATABASE ${database}`);
      // The first write finds the database missing: the sink sets it up again before the next.
      const proxy = await startFaultProxy(
        influx().url,
        '/write',
        [{ status: 404, body: `{"error":"database not found: \\"${database}\\""}` }],
        { answer: onQuery(answer) },
      );
      try {
        const { s, log, clock } = influxSinkUnderTest({ url: proxy.url, database });
        s.write({ samples: sampleRun(60, Date.now() - 10_000), scores: [], alarms: [] });
        await s.flush();
        clock.now += 60_000;
        await s.flush();
        expect(s.buffered).toBe(0); // every point kept for ever before the fix: the setup was retried, never the write
        expect(await count(database)).toBe(60);
        expect(log.at(40)).toEqual([
          `influxdb ${proxy.url} does not create databases (${detail}): InfluxDB 2.x (buckets and DBRP mappings are ` +
            'made with its own tools) or 3.x (a database is made by its first write), or no /query there ' +
            `(docs/influxdb.md); writing to database "${database}" as it is (set create_database: false to skip this)`,
        ]);
        expect(proxy.requests.map((r) => r.url.split('?')[0])).toEqual(['/query', '/write', '/query', '/write']);
        await s.close();
      } finally {
        await proxy.close();
      }
    },
  );

  it('3.x with its default authentication and no token (401, empty): warned once that it wants credentials', async () => {
    await influx().query('_internal', 'CREATE DATABASE plant_s401');
    const proxy = await startFaultProxy(influx().url, '/none', [], { answer: onQuery({ status: 401 }) });
    try {
      const { s, log } = influxSinkUnderTest({ url: proxy.url, database: 'plant_s401' });
      s.write({ samples: sampleRun(30, Date.now() - 10_000), scores: [], alarms: [] });
      await s.close();
      expect(await count('plant_s401')).toBe(30);
      expect(log.at(40)).toEqual([
        `influxdb ${proxy.url} refused CREATE DATABASE "plant_s401" without credentials (HTTP 401: (no body)); writing ` +
          'to database "plant_s401" as it is (an InfluxDB with authentication needs username and password, 1.x, or ' +
          'token, 2.x and 3.x; set create_database: false where the database exists)',
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('an answer that may pass (503) is retried: the points wait, then the real influxd creates the database', async () => {
    const proxy = await startFaultProxy(influx().url, '/query', [{ status: 503, body: 'starting' }]);
    try {
      const { s, log, clock, metric } = influxSinkUnderTest({ url: proxy.url, database: 'plant_s503' });
      s.write({ samples: sampleRun(40, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      expect(s.buffered).toBe(40);
      expect(log.at(40)).toEqual([
        `influxdb ${proxy.url}: CREATE DATABASE "plant_s503" failed (HTTP 503: starting); points stay queued, retrying`,
      ]);
      expect(await metric('linewatch_sink_write_errors_total')).toEqual([
        'linewatch_sink_write_errors_total{sink="influxdb",kind="http_503"} 1',
      ]);
      clock.now += 60_000;
      await s.flush();
      expect(s.buffered).toBe(0);
      expect(await count('plant_s503')).toBe(40);
      await s.close();
    } finally {
      await proxy.close();
    }
  });
});
