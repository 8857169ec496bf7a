/**
 * storage.influxdb.token_file rotated in place (issue: "token_file change needs a restart"): a Docker or Kubernetes
 * secret file replaced while the gateway runs. The sink read the file once, at start, and kept sending the old token,
 * each write refused (401) until a restart. Now a 401 or 403 reads the file again (bounded and checked as at start)
 * and, where it holds a new token, sends the write again with it, once. Against a real influxd 1.x behind a proxy that
 * answers as 2.x/3.x do to a token it does not know (401) and forwards the writes carrying the new one.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { startFaultProxy } from '../../helpers/http-faults.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { influxSinkUnderTest } from './influx-sink-fixture.js';

const influx = suiteServer(() => startInfluxd());
const OLD = 'old-token-4Fq_Secret==';
const NEW = 'new-token-9Zr_Secret==';
const UNAUTHORIZED = { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' };
const REFUSED = /^influxdb \S+ refused the write with the configured token \(HTTP 401: /;
const count = async (db: string) =>
  Number((await influx().query(db, 'SELECT COUNT(value) FROM linewatch_sample'))[0]?.values[0][1] ?? 0);

/** A sink whose token_file holds OLD, writing to `database` through a proxy that takes NEW only. */
async function rotationSetup(database: string) {
  await influx().query('_internal', `CREATE DATABASE ${database}`);
  const proxy = await startFaultProxy(influx().url, '/none', [], {
    answer: (req) => (req.headers.authorization === `Token ${NEW}` ? undefined : UNAUTHORIZED),
  });
  const dir = mkdtempSync(join(tmpdir(), 'lw-token-rotation-'));
  const file = join(dir, 'influx_token');
  writeFileSync(file, `${OLD}\n`);
  const sink = influxSinkUnderTest({ url: proxy.url, database, token_file: file });
  const tokens = () => proxy.requests.map((r) => r.headers.authorization?.replace(/^Token /, ''));
  return { ...sink, proxy, file, dir, tokens };
}

describe('token_file rotated while the gateway runs', () => {
  it.each([
    ['rewritten in place', 'plant_rot_in_place', (file: string) => writeFileSync(file, `${NEW}\n`)],
    [
      'replaced by a rename (as Kubernetes swaps a mounted secret)',
      'plant_rot_rename',
      (file: string, dir: string) => (writeFileSync(join(dir, 'next'), NEW), renameSync(join(dir, 'next'), file)),
    ],
  ])('%s: the 401 reads it again and the write goes through with the new token at once', async (_, db, rotate) => {
    const { s, proxy, file, dir, log, metric, tokens } = await rotationSetup(db);
    try {
      rotate(file, dir);
      s.write({ samples: sampleRun(50, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      expect(s.buffered).toBe(0); // kept, refused until a restart, before
      expect(tokens()).toEqual([OLD, NEW]);
      expect(log.at(30)).toContain(
        `storage.influxdb.token_file ${file}: read again after influxdb ${proxy.url} answered 401: it holds a new ` +
          'token, the write is sent again with it',
      );
      expect(log.at(40)).toEqual([]);
      expect(log.at(50)).toEqual([]);
      expect(await metric('linewatch_sink_write_errors_total')).toEqual([
        'linewatch_sink_write_errors_total{sink="influxdb",kind="http_401"} 1',
      ]);
      s.write({ samples: sampleRun(10, Date.now() - 5_000), scores: [], alarms: [] });
      await s.close();
      expect(tokens()).toEqual([OLD, NEW, NEW]); // the new token kept for the next writes
      expect(await count(db)).toBe(60);
      expect(JSON.stringify(log.lines)).not.toMatch(/old-token|new-token/);
    } finally {
      await proxy.close();
    }
  });

  it('not rotated yet: the same token is not sent again, the points are kept until the file holds a new one', async () => {
    const { s, proxy, file, log, clock, tokens } = await rotationSetup('plant_rot_late');
    try {
      s.write({ samples: sampleRun(40, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      expect(tokens()).toEqual([OLD]);
      expect(s.buffered).toBe(40);
      expect(log.at(50)).toEqual([expect.stringMatching(REFUSED)]);
      writeFileSync(file, NEW);
      clock.now += 60_000;
      await s.flush();
      expect(tokens()).toEqual([OLD, OLD, NEW]);
      expect(s.buffered).toBe(0);
      expect(await count('plant_rot_late')).toBe(40);
      await s.close();
    } finally {
      await proxy.close();
    }
  });

  it('a file that cannot be used now (emptied): one error names the key and the file, the token read before stays', async () => {
    const { s, proxy, file, log, clock, tokens } = await rotationSetup('plant_rot_empty');
    try {
      writeFileSync(file, '');
      s.write({ samples: sampleRun(20, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      clock.now += 60_000;
      await s.flush();
      expect(tokens()).toEqual([OLD, OLD]);
      expect(s.buffered).toBe(20);
      expect(log.at(50)).toEqual([
        `storage.influxdb.token_file ${file}: empty: it should hold the API token (read again after influxdb ` +
          `${proxy.url} answered 401): the token read before stays in use`,
        expect.stringMatching(REFUSED),
      ]);
      writeFileSync(file, `${NEW}\n`);
      clock.now += 60_000;
      await s.flush();
      expect(tokens()).toEqual([OLD, OLD, OLD, NEW]);
      expect(await count('plant_rot_empty')).toBe(20);
      await s.close();
    } finally {
      await proxy.close();
    }
  });
});
