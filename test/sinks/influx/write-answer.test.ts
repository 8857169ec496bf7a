/** InfluxDB's answers to a write, judged apart from HTTP: the table at the top of influx-sink.ts, row by row. */
import { describe, expect, it } from 'vitest';
import { judgeAnswer, type WriteAnswer } from '../../../src/sinks/influx/write-answer.js';

const config = { url: 'http://influx:8086', database: 'plant', username: 'gw', create_database: true };
const answer = (status: number, text = '', more: Partial<WriteAnswer> = {}): WriteAnswer => ({
  status,
  text,
  truncated: false,
  retryAfter: null,
  ...more,
});
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('judgeAnswer', () => {
  it('counts the points a partial write dropped, with those it could not parse, and no more than the batch', () => {
    const text = '{"error":"partial write: unable to parse x: bad timestamp dropped=2"}';
    expect(judgeAnswer(answer(400, text), 10, config, NOW)).toEqual({
      kind: 'rejected',
      dropped: 3,
      message: `influxdb http://influx:8086 refused 3 of 10 points (not retried): ${text}`,
    });
    expect(judgeAnswer(answer(422, '{"message":"partial write: dropped=50"}'), 10, config, NOW)).toMatchObject({
      dropped: 10,
    });
  });

  it('counts every point as dropped where the answer says no count or was cut short', () => {
    expect(judgeAnswer(answer(400, '{"error":"bad request"}'), 7, config, NOW)).toMatchObject({
      kind: 'rejected',
      dropped: 7,
    });
    const cut = answer(400, '{"error":"partial write: dropped=1', { truncated: true });
    expect(judgeAnswer(cut, 7, config, NOW)).toMatchObject({ kind: 'rejected', dropped: 7 });
  });

  // Regression: a proxy's own 400 page (a plain-HTTP request to its HTTPS port) dropped every point of the batch.
  it.each([
    [400, '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head></html>'],
    [422, 'Unprocessable'],
    [400, ''],
  ])(
    "keeps the batch on a %i that is not InfluxDB's JSON (%j): a proxy refused the request, not the points",
    (status, text) => {
      const verdict = judgeAnswer(answer(status, text), 7, config, NOW);
      expect(verdict).toMatchObject({ kind: 'retry', errorKind: `http_${status}`, level: 'error' });
      expect(verdict.kind === 'retry' && verdict.message).toContain(
        `influxdb http://influx:8086 answered ${status} with an answer that is not InfluxDB's (`,
      );
    },
  );

  it('keeps the batch on 401 and 403, naming the user and what to fix', () => {
    expect(judgeAnswer(answer(401, 'authorization failed'), 1, config, NOW)).toEqual({
      kind: 'retry',
      message:
        'influxdb http://influx:8086 refused the write as user "gw" (HTTP 401: authorization failed): check its password',
      errorKind: 'http_401',
      level: 'error',
    });
    expect(judgeAnswer(answer(403, 'denied'), 1, config, NOW)).toMatchObject({
      message:
        'influxdb http://influx:8086 refused the write as user "gw" (HTTP 403: denied): grant it WRITE on the database: GRANT WRITE ON "plant" TO "gw"',
    });
  });

  // 3.x with its default authentication and no token answers 401, no body: this said user "(none)", check its password.
  it('keeps the batch on 401 and 403 without credentials, saying which settings give some', () => {
    const anonymous = { url: 'http://influx:8181', database: 'plant', create_database: false };
    expect(judgeAnswer(answer(401), 1, anonymous, NOW)).toEqual({
      kind: 'retry',
      message:
        'influxdb http://influx:8181 refused the write without credentials (HTTP 401: (no body)): an InfluxDB with ' +
        'authentication needs username and password (1.x) or token (2.x, 3.x)',
      errorKind: 'http_401',
      level: 'error',
    });
  });

  it('tells a missing database apart from a 404 of something that is not InfluxDB', () => {
    expect(judgeAnswer(answer(404, '{"error":"database not found: \\"plant\\""}'), 1, config, NOW)).toEqual({
      kind: 'retry',
      message: 'influxdb http://influx:8086: database "plant" not found (creating it again)',
      errorKind: 'http_404',
      level: 'error',
      databaseMissing: true,
    });
    const noCreate = { ...config, create_database: false };
    expect(judgeAnswer(answer(404, 'database not found'), 1, noCreate, NOW)).toMatchObject({
      message: 'influxdb http://influx:8086: database "plant" not found (create it, or set create_database: true)',
    });
    const other = judgeAnswer(answer(404, 'Not Found'), 1, config, NOW);
    expect(other).toMatchObject({ kind: 'retry', errorKind: 'http_404', level: 'error' });
    expect(other).not.toHaveProperty('databaseMissing');
    expect(other.kind === 'retry' && other.message).toMatch(
      /^influxdb http:\/\/influx:8086 answered 404 .*DBRP mapping of "plant"/,
    );
  });

  it("splits a batch too large, and retries anything else after the server's Retry-After", () => {
    expect(judgeAnswer(answer(413, 'too large'), 9, config, NOW)).toEqual({ kind: 'split' });
    // One point: InfluxDB's own 413 (its JSON) is split down to it and dropped; a proxy's page keeps it.
    expect(judgeAnswer(answer(413, '{"error":"Request Entity Too Large"}'), 1, config, NOW)).toEqual({ kind: 'split' });
    expect(judgeAnswer(answer(413, '<html>413</html>'), 1, config, NOW)).toMatchObject({
      kind: 'retry',
      errorKind: 'http_413',
    });
    expect(judgeAnswer(answer(503, 'busy', { retryAfter: '30' }), 1, config, NOW)).toEqual({
      kind: 'retry',
      message: 'influxdb http://influx:8086 answered 503: busy',
      errorKind: 'http_503',
      level: 'warn',
      afterMs: 30_000,
    });
    expect(judgeAnswer(answer(429, ''), 1, config, NOW)).toMatchObject({ level: 'warn' });
    const proxy = judgeAnswer(answer(405, 'Method Not Allowed'), 1, config, NOW);
    expect(proxy).toMatchObject({ level: 'error', errorKind: 'http_405' });
    expect(proxy).not.toHaveProperty('afterMs');
  });
});
