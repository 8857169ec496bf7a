/**
 * InfluxDB answers that are not "accepted" (issue: "every 4xx is accepted and dropped"), against a
 * real influxd with auth-enabled, an admin and least-privilege users: points are kept through 401,
 * 403 and 404 until a person fixes the cause, a batch answered 413 is split, 429 is retried after
 * the server's Retry-After, and a user with WRITE only gets its points written.
 */
import { describe, expect, it } from 'vitest';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { retryAfterMs } from '../../../src/sinks/influx/influx-sink.js';
import { startFaultProxy } from '../../helpers/http-faults.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { influxSinkUnderTest } from './influx-sink-fixture.js';

const ADMIN = { user: 'admin', password: 'admin-secret-1' };
const influx = suiteServer(() => startInfluxd({ admin: ADMIN }));

/** A sink as a user with `user`/`password` configures it, with a clock the test moves and its log lines. */
const sink = (
  database: string,
  user: string,
  password: string,
  extra: Record<string, unknown> = {},
  url = influx().url,
) => influxSinkUnderTest({ url, database, username: user, password, ...extra });

const admin = (q: string) => influx().query('_internal', q);
const count = async (db: string) =>
  ((await influx().query(db, 'SELECT COUNT(value) FROM linewatch_sample'))[0]?.values[0][1] as number | undefined) ?? 0;

describe('InfluxDB with authentication', () => {
  it('a user with WRITE only and create_database: false gets every point written', async () => {
    await admin('CREATE DATABASE plant_w');
    await admin(`CREATE USER "writer" WITH PASSWORD 'w-pass-1'`);
    await admin('GRANT WRITE ON "plant_w" TO "writer"');
    const { s, metrics } = sink('plant_w', 'writer', 'w-pass-1', { create_database: false });
    s.write({ samples: sampleRun(300, Date.now() - 10_000), scores: [], alarms: [] });
    await s.close();
    expect(await count('plant_w')).toBe(300);
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total')).not.toMatch(/kind=/);
  });

  it('with the default create_database, a WRITE-only user is warned once and its points are written', async () => {
    await admin('CREATE DATABASE plant_d');
    await admin(`CREATE USER "writer_d" WITH PASSWORD 'w-pass-2'`);
    await admin('GRANT WRITE ON "plant_d" TO "writer_d"');
    const { s, lines } = sink('plant_d', 'writer_d', 'w-pass-2');
    s.write({ samples: sampleRun(50, Date.now() - 10_000), scores: [], alarms: [] });
    await s.close();
    expect(await count('plant_d')).toBe(50);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^influxdb http:\/\/127\.0\.0\.1:\d+: user "writer_d" may not create database "plant_d" \(.*\); writing to it as it is \(set create_database: false/,
      ),
    ]);
  });

  it('401 (a wrong password): every point is kept, one error names the user, and all arrive once the password is right', async () => {
    await admin('CREATE DATABASE plant_401');
    const { s, lines, metrics, clock } = sink('plant_401', 'late', 'l-pass-1', { create_database: false });
    s.write({ samples: sampleRun(420, Date.now() - 10_000), scores: [], alarms: [] });
    await s.flush();
    clock.now += 60_000;
    await s.flush();
    expect(s.buffered).toBe(420);
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total')).toMatch(
      /kind="http_401"\} 2/,
    );
    const errors = lines.filter((l) => l.level === 50).map((l) => l.msg);
    expect(errors).toHaveLength(1); // logged once, counted every time
    expect(errors[0]).toMatch(
      /^influxdb http:\/\/127\.0\.0\.1:\d+ refused the write as user "late" \(HTTP 401: .*\): check its password; points stay queued, retrying$/,
    );
    await admin(`CREATE USER "late" WITH PASSWORD 'l-pass-1'`);
    await admin('GRANT WRITE ON "plant_401" TO "late"');
    clock.now += 60_000;
    await s.close();
    expect(s.buffered).toBe(0);
    expect(await count('plant_401')).toBe(420);
  });

  it('403 (no grant): points are kept and the error says what to grant; they arrive after the grant', async () => {
    await admin('CREATE DATABASE plant_403');
    await admin(`CREATE USER "nogrant" WITH PASSWORD 'n-pass-1'`);
    const { s, lines, clock } = sink('plant_403', 'nogrant', 'n-pass-1', { create_database: false });
    s.write({ samples: sampleRun(100, Date.now() - 10_000), scores: [], alarms: [] });
    await s.flush();
    expect(s.buffered).toBe(100);
    expect(lines.find((l) => l.level === 50)?.msg).toMatch(
      /^influxdb http:\/\/127\.0\.0\.1:\d+ refused the write as user "nogrant" \(HTTP 403: .*\): grant it WRITE on the database: GRANT WRITE ON "plant_403" TO "nogrant"/,
    );
    await admin('GRANT WRITE ON "plant_403" TO "nogrant"');
    clock.now += 60_000;
    await s.close();
    expect(await count('plant_403')).toBe(100);
  });

  it('404 (the database was deleted): kept until it exists again; with create_database the sink creates it', async () => {
    await admin('CREATE DATABASE plant_404');
    const manual = sink('plant_404', ADMIN.user, ADMIN.password, { create_database: false });
    await admin('DROP DATABASE plant_404');
    manual.s.write({ samples: sampleRun(60, Date.now() - 10_000), scores: [], alarms: [] });
    await manual.s.flush();
    expect(manual.s.buffered).toBe(60);
    expect(manual.lines.find((l) => l.level === 50)?.msg).toMatch(
      /^influxdb http:\/\/127\.0\.0\.1:\d+: database "plant_404" not found \(create it, or set create_database: true\)/,
    );
    await admin('CREATE DATABASE plant_404');
    manual.clock.now += 60_000;
    await manual.s.close();
    expect(await count('plant_404')).toBe(60);

    const auto = sink('plant_404b', ADMIN.user, ADMIN.password);
    auto.s.write({ samples: sampleRun(10, Date.now() - 10_000), scores: [], alarms: [] });
    await auto.s.flush(); // creates it at the first write
    await admin('DROP DATABASE plant_404b');
    auto.s.write({ samples: sampleRun(30, Date.now() - 5_000), scores: [], alarms: [] });
    await auto.s.flush(); // 404: kept
    expect(auto.s.buffered).toBe(30);
    auto.clock.now += 60_000;
    await auto.s.close(); // created again, delivered
    expect(await count('plant_404b')).toBe(30);
  });
});

describe('InfluxDB limits', () => {
  it('413: a batch over the server body limit is split until it fits; every point arrives', async () => {
    const small = await startInfluxd({ maxBodySize: 8000 });
    try {
      const { s, metrics } = sink(
        'plant_413',
        '',
        '',
        { gzip: false, username: undefined, password: undefined },
        small.url,
      );
      s.write({ samples: sampleRun(1000, Date.now() - 10_000), scores: [], alarms: [] });
      await s.close();
      expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total')).toMatch(
        /kind="http_413"\} \d+/,
      );
      const [c] = await small.query('plant_413', 'SELECT COUNT(value) FROM linewatch_sample');
      expect(c.values[0][1]).toBe(1000);
    } finally {
      await small.stop();
    }
  }, 60_000);

  it("429: the batch is kept and sent again after the server's Retry-After, not before", async () => {
    await admin('CREATE DATABASE plant_429');
    // Fault injection: a proxy that answers the first write 429 (Retry-After: 7 s), then forwards.
    const proxy = await startFaultProxy(influx().url, '/write', [
      { status: 429, headers: { 'retry-after': '7' }, body: '{"error":"slow down"}' },
    ]);
    try {
      const { s, metrics, clock } = sink(
        'plant_429',
        ADMIN.user,
        ADMIN.password,
        { create_database: false },
        proxy.url,
      );
      s.write({ samples: sampleRun(200, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      expect(s.buffered).toBe(200);
      clock.now += 6_000; // inside the 7 s: no attempt
      await s.flush();
      expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total')).toMatch(
        /kind="http_429"\} 1/,
      );
      expect(s.buffered).toBe(200);
      clock.now += 1_500;
      await s.close();
      expect(await count('plant_429')).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it('reads Retry-After as seconds or a date, bounded to 1 s .. 10 min', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs('0', now)).toBe(1000);
    expect(retryAfterMs('86400', now)).toBe(600_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
