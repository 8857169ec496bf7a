/**
 * InfluxDB answers that influxd 1.x itself does not give, through a fault-injecting proxy in front
 * of a real influxd (issue: "some 404s and 408 drop points; error bodies are read whole"): a 2.x
 * bucket's 404, a proxy's 404 page, 408, 5xx and a proxy's 405 keep every point until the write
 * goes through, as do a proxy's own 400 and 413 pages and a redirect (never followed); 422 (2.x's partial write)
 * drops only what it says it dropped; a huge error body is not read past its first bytes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { startFaultProxy, type FaultAnswer, type FaultProxy } from '../../helpers/http-faults.js';
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

/**
 * Writes `points` through a proxy giving `answers` to the first writes, and flushes once: the batch is kept, nothing
 * is dropped, the one error is `error` (the proxy's URL given), and `more` checks the rest of what happened. Then the
 * answers left are dropped, and once the sink closes every point is in InfluxDB.
 */
async function keptThenWritten(
  database: string,
  answers: FaultAnswer[],
  points: number,
  error: (url: string) => string,
  more: (proxy: FaultProxy) => void = () => undefined,
) {
  const { s, log, metric, clock, proxy } = await throughProxy(database, answers);
  try {
    s.write({ samples: sampleRun(points, Date.now() - 10_000), scores: [], alarms: [] });
    await s.flush();
    expect(s.buffered).toBe(points);
    expect(await metric('linewatch_sink_dropped_points_total')).toEqual([]);
    expect(log.at(50)).toEqual([`${error(proxy.url)}; points stay queued, retrying`]);
    more(proxy);
    proxy.pending.length = 0;
    clock.now += 60_000;
    await s.close();
    expect(await count(database)).toBe(points);
  } finally {
    await proxy.close();
  }
}

const BUCKET_404 = '{"code":"not found","message":"bucket \\"plant_b/autogen\\" not found"}';
const PROXY_404 = '<html>\n<head><title>404 Not Found</title></head>\n<body><h1>404 Not Found</h1></body>\n</html>';

describe('InfluxDB answers kept and retried', () => {
  it.each([
    ['a 2.x bucket without a mapping', 'plant_b', BUCKET_404, BUCKET_404],
    [
      'a proxy in front of something else',
      'plant_p',
      PROXY_404,
      '<html> <head><title>404 Not Found</title></head> <body><h1>404 Not Found</h1></body> </html>',
    ],
  ])(
    '404 from %s: every point is kept, one error names the database and the URL, and all arrive once it writes',
    async (_what, database, body, shown) => {
      const { s, log, metric, clock, proxy } = await throughProxy(database, [
        { status: 404, body },
        { status: 404, body },
      ]);
      try {
        s.write({ samples: sampleRun(120, Date.now() - 10_000), scores: [], alarms: [] });
        await s.flush();
        expect(s.buffered).toBe(120); // dropped before the fix
        clock.now += 60_000;
        await s.flush();
        expect(s.buffered).toBe(120);
        expect(await metric('linewatch_sink_dropped_points_total')).toEqual([]);
        expect(await metric('linewatch_sink_write_errors_total')).toEqual([
          'linewatch_sink_write_errors_total{sink="influxdb",kind="http_404"} 2',
        ]);
        expect(log.at(50)).toEqual([
          `influxdb ${proxy.url} answered 404 to a write to database "${database}" (${shown}): check that url is InfluxDB's HTTP API (for 2.x, with a DBRP mapping of "${database}" to a bucket) and that the database exists; points stay queued, retrying`,
        ]);
        clock.now += 60_000;
        await s.close();
        expect(await count(database)).toBe(120);
      } finally {
        await proxy.close();
      }
    },
  );

  it("408, 5xx and a proxy's 405: the batch is kept through each and arrives whole; nothing is dropped", async () => {
    const codes = [408, 500, 502, 504, 405];
    const { s, metric, clock, proxy } = await throughProxy(
      'plant_retry',
      codes.map((status) => ({ status, body: `{"error":"answer ${status}"}` })),
    );
    try {
      s.write({ samples: sampleRun(200, Date.now() - 10_000), scores: [], alarms: [] });
      for (const _ of codes) {
        await s.flush();
        expect(s.buffered).toBe(200); // 408 and 405 dropped the batch before the fix
        clock.now += 60_000;
      }
      await s.close();
      expect(proxy.pending).toEqual([]);
      expect(await count('plant_retry')).toBe(200);
      expect(await metric('linewatch_sink_dropped_points_total')).toEqual([]);
      expect((await metric('linewatch_sink_write_errors_total')).sort()).toEqual(
        codes.map((c) => `linewatch_sink_write_errors_total{sink="influxdb",kind="http_${c}"} 1`).sort(),
      );
    } finally {
      await proxy.close();
    }
  });

  // Regression: a proxy's own 400 (nginx's answer to plain HTTP on its HTTPS port) was taken for InfluxDB refusing the
  // points, and the whole batch was counted as dropped: a disk queue's backlog drained by a misconfigured proxy.
  it("a proxy's 400 page: the batch is kept, one error says the answer is not InfluxDB's, and all arrive after", async () => {
    const page = '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n</html>';
    // Before the fix: none kept, all 150 counted as dropped.
    await keptThenWritten(
      'plant_proxy_400',
      [{ status: 400, body: page }],
      150,
      (url) =>
        `influxdb ${url} answered 400 with an answer that is not InfluxDB's (<html> <head><title>400 The plain HTTP request was sent to HTTPS port</title></head> </html>): a proxy or another server in front of it? check that url is InfluxDB's HTTP API`,
    );
  });

  // Regression: fetch followed a redirect: a 307 from whatever answered for InfluxDB sent the batch to another server
  // (its Authorization dropped), and that server's 204 counted every point written; none reached InfluxDB.
  it('a redirect is not followed: the batch is kept, one error names where it pointed, and all arrive after', async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => (elsewhere.push(req.url ?? ''), res.writeHead(204).end()));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherHost = `127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      // Before the fix: none kept (counted written), the batch sent to the other server.
      await keptThenWritten(
        'plant_redirect',
        [{ status: 307, headers: { location: `http://${otherHost}/write?db=plant_redirect` } }],
        80,
        // The logger keeps a URL's host only where it is not the configured one (its path and query values hidden).
        (url) =>
          `influxdb ${url} answered 307, a redirect to http://${otherHost}/***?db=***: not followed (InfluxDB never redirects a write): set url to InfluxDB's own address`,
        () => expect(elsewhere).toEqual([]),
      );
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  // Regression: a proxy answering 413 with its page to every request (a body limit below one point) had each batch
  // split down to single points, each dropped and logged in turn: 2,000 queued points gave 3,999 requests, 2,000 error
  // lines and 2,000 points dropped. One point refused by a page is a proxy's limit, not a point too large for InfluxDB.
  it("a proxy's 413 page to a single point: the batch is kept after one split down, one error, all arrive after", async () => {
    const tooLarge = { status: 413, body: '<html><head><title>413 Request Entity Too Large</title></head></html>' };
    await keptThenWritten(
      'plant_proxy_413',
      Array(20).fill(tooLarge),
      300,
      (url) =>
        `influxdb ${url} answered 413 to a single point with an answer that is not InfluxDB's (<html><head><title>413 Request Entity Too Large</title></head></html>): a proxy's body limit below one point? raise it (nginx: client_max_body_size), or set url to InfluxDB's own address`,
      (proxy) => expect(proxy.requests.length).toBe(10), // 300, 150, 75, 38, 19, 10, 5, 3, 2, then one point
    );
  });

  // Regression: the recovery line said "influxdb reachable again" without the URL its failure named.
  it('after a failure, the write that goes through logs the URL reachable again, as the failure named it', async () => {
    const { s, lines, clock, proxy } = await throughProxy('plant_again', [{ status: 503, body: 'restarting' }]);
    try {
      s.write({ samples: sampleRun(20, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      clock.now += 60_000;
      await s.flush();
      expect(lines.filter((l) => l.level >= 30).map((l) => l.msg)).toEqual([
        `influxdb ${proxy.url} answered 503: restarting; points stay queued, retrying`,
        `influxdb ${proxy.url} reachable again`,
      ]);
      await s.close();
    } finally {
      await proxy.close();
    }
  });

  // Regression: "influxdb answered 503: …" and the shutdown line named no URL; only reachable/unreachable did.
  it('every line about InfluxDB names its URL: an answer it keeps the batch through, and the shutdown that leaves it', async () => {
    const busy = { status: 503, body: 'busy' };
    const { s, lines, proxy } = await throughProxy('plant_named', [busy, busy]);
    try {
      s.write({ samples: sampleRun(20, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      await s.close();
      expect(lines.filter((l) => l.level >= 30).map((l) => l.msg)).toEqual([
        `influxdb ${proxy.url} answered 503: busy; points stay queued, retrying`,
        `influxdb ${proxy.url} unreachable at shutdown: 20 points stay queued for the next start`,
      ]);
    } finally {
      await proxy.close();
    }
  });

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
      expect(log.at(40)).toEqual([
        `influxdb ${proxy.url} answered 503: ${'x'.repeat(300)}…; points stay queued, retrying`,
      ]);
      clock.now += 60_000;
      await s.close();
      expect(await count('plant_big')).toBe(10);
    } finally {
      await proxy.close();
    }
  });
});

describe('InfluxDB answers that drop points', () => {
  it("422 (2.x's partial write): only the points it says it dropped are counted as dropped, the rest as written", async () => {
    const body =
      '{"code":"unprocessable entity","message":"failure writing points to database: partial write: points beyond retention policy dropped=3"}';
    const { s, metric, proxy } = await throughProxy('plant_422', [{ status: 422, body }]);
    try {
      s.write({ samples: sampleRun(50, Date.now() - 10_000), scores: [], alarms: [] });
      await s.close();
      expect(s.buffered).toBe(0);
      expect(await metric('linewatch_sink_dropped_points_total')).toEqual([
        'linewatch_sink_dropped_points_total{sink="influxdb",reason="rejected"} 3',
      ]);
      expect(await metric('linewatch_sink_points_written_total')).toEqual([
        'linewatch_sink_points_written_total{sink="influxdb"} 47',
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('400 whose answer is cut short before its count (every line refused, echoed back): all points dropped', async () => {
    // influxd 1.x echoes each line it cannot parse; 2,000 of them run far past the part of the answer that is read.
    const line = "unable to parse 'linewatch_sample,asset=pump-1 value=1 -11644473600000': time outside range";
    const body = JSON.stringify({ error: Array.from({ length: 2000 }, () => line).join('\n') });
    const { s, metric, proxy } = await throughProxy('plant_unparsed', [{ status: 400, body }]);
    try {
      s.write({ samples: sampleRun(2000, Date.now() - 10_000), scores: [], alarms: [] });
      await s.close();
      // Before: the "unable to parse" lines in the part read were counted (334), the rest as written.
      expect(await metric('linewatch_sink_dropped_points_total')).toEqual([
        'linewatch_sink_dropped_points_total{sink="influxdb",reason="rejected"} 2000',
      ]);
      expect(await count('plant_unparsed')).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
