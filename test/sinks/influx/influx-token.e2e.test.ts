/**
 * InfluxDB 2.x and 3.x take writes on their v1-compatible /write with an API token (`Authorization: Token …`); the
 * sink had only username and password. Against a real influxd (1.x: it writes what it is sent) behind a proxy that
 * keeps each request's headers and answers as 2.x does: 401 to a token it does not know, "not implemented" to
 * CREATE DATABASE.
 */
import { describe, expect, it } from 'vitest';
import { influxSchema } from '../../../src/config/schema.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { startFaultProxy } from '../../helpers/http-faults.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { influxSinkUnderTest } from './influx-sink-fixture.js';

const influx = suiteServer(() => startInfluxd());
const TOKEN = 'tok-3f9a_Secret==';

describe('InfluxDB 2.x and 3.x', () => {
  it('sends it as "Authorization: Token …" on every write, never logs it, creates no database, and keeps the points through a 401', async () => {
    await influx().query('_internal', 'CREATE DATABASE plant_token');
    const proxy = await startFaultProxy(influx().url, '/write', [
      { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' },
    ]);
    try {
      const { s, lines, clock } = influxSinkUnderTest({ url: proxy.url, database: 'plant_token', token: TOKEN });
      s.write({ samples: sampleRun(120, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      expect(s.buffered).toBe(120);
      expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
        `influxdb ${proxy.url} refused the write with the configured token (HTTP 401: {"code":"unauthorized",` +
          '"message":"unauthorized access"}): check that the token is valid and may write to database "plant_token" (2.x: the ' +
          'bucket its DBRP mapping names); points stay queued, retrying',
      ]);
      clock.now += 60_000;
      await s.close();
      const counted = await influx().query('plant_token', 'SELECT COUNT(value) FROM linewatch_sample');
      expect(counted[0]?.values[0][1]).toBe(120);
      expect(proxy.requests.map((r) => [r.url.split('?')[0], r.headers.authorization])).toEqual([
        ['/write', `Token ${TOKEN}`],
        ['/write', `Token ${TOKEN}`],
      ]);
      expect(JSON.stringify(lines)).not.toContain(TOKEN);
    } finally {
      await proxy.close();
    }
  });

  // 2.x answers CREATE DATABASE with 200 and "not implemented"; the sink read it as unreachable and retried forever.
  it('a 2.x that does not create databases (basic auth, create_database left on): warned once, the points written', async () => {
    await influx().query('_internal', 'CREATE DATABASE plant_v2');
    const proxy = await startFaultProxy(influx().url, '/query', [
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"results":[{"statement_id":0,"error":"not implemented: CREATE DATABASE"}]}',
      },
    ]);
    try {
      const { s, lines } = influxSinkUnderTest({ url: proxy.url, database: 'plant_v2', username: 'v1', password: 'p' });
      s.write({ samples: sampleRun(50, Date.now() - 10_000), scores: [], alarms: [] });
      await s.close();
      const counted = await influx().query('plant_v2', 'SELECT COUNT(value) FROM linewatch_sample');
      expect(counted[0]?.values[0][1]).toBe(50);
      expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([
        `influxdb ${proxy.url} does not create databases (HTTP 200: not implemented: CREATE DATABASE): InfluxDB 2.x ` +
          '(buckets and DBRP mappings are made with its own tools) or 3.x (a database is made by its first write), or ' +
          'no /query there (docs/influxdb.md); writing to database "plant_v2" as it is (set create_database: false to ' +
          'skip this)',
      ]);
    } finally {
      await proxy.close();
    }
  });

  it.each([
    ['username', { username: 'u', password: 'p' }, 'not with token: a token replaces username and password'],
    ['retention', { retention: '30d' }, 'not with token: set the retention of the 2.x bucket or the 3.x database'],
    // Regression: every write failed ("Request cannot be constructed from a URL that includes credentials").
    ['url', { url: 'http://linewatch:pw@influx:8086' }, 'no user or password in the URL (the HTTP client refuses it)'],
  ])('refuses %s where it cannot work, naming the key', (key, extra, message) => {
    const parsed = influxSchema.safeParse({ url: 'http://influx:8086', database: 'd', token: TOKEN, ...extra });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message.slice(0, message.length)])).toContainEqual([
      key,
      message,
    ]);
  });
});
