/**
 * What each InfluxDB's answer to a setup statement means (judgeSetupAnswer, pure), shaped after what each version
 * answers: 1.x as a real influxd 1.x answered (auth-enabled), 2.x and 3.x as their sources and documentation say.
 */
import { describe, expect, it } from 'vitest';
import { judgeSetupAnswer, quoted } from '../../../src/sinks/influx/database-setup.js';

const NO_DB = "must specify a 'db' parameter, or provide the database in the InfluxQL query";
const statementError = (error: string) => JSON.stringify({ results: [{ statement_id: 0, error }] });

describe('judgeSetupAnswer', () => {
  it.each([
    ['1.x: created', 200, '{"results":[{"statement_id":0}]}', { kind: 'ok', rows: [] }],
    [
      '1.x: a user with WRITE only',
      403,
      `{"error":"error authorizing query: w not authorized to execute statement 'CREATE DATABASE a', requires admin privilege"}`,
      'user',
    ],
    ['1.x: a wrong password', 401, '{"error":"authorization failed"}', 'user'],
    ['1.x: no credentials', 401, '{"error":"unable to parse authentication credentials"}', 'user'],
    ['1.x: a statement it cannot parse', 400, '{"error":"error parsing query: found junk"}', 'unsupported'],
    ['2.x: with a v1 user', 200, statementError('not implemented: CREATE DATABASE'), 'unsupported'],
    ['2.x: no credentials', 401, '{"code":"unauthorized","message":"unauthorized access"}', 'user'],
    ['3.x: its default authentication, no token', 401, '', 'user'],
    ["a 403 with no body (a proxy's access rule)", 403, '', 'user'],
    ['3.x without authentication, earlier releases', 500, NO_DB, 'unsupported'],
    ['3.x without authentication, later releases', 200, statementError(NO_DB), 'unsupported'],
    [
      '3.x: an InfluxQL statement it does not plan',
      500,
      'This feature is not implemented: CREATE DATABASE',
      'unsupported',
    ],
    ['a proxy that serves /write only', 404, '404 page not found', 'unsupported'],
    ['a /query for GET only', 405, '{"error":"method not allowed"}', 'unsupported'],
    ['a server that does not implement it', 501, 'Not Implemented', 'unsupported'],
    ["a proxy's page answered 200", 200, '<html><body>welcome</body></html>', 'unsupported'],
    ['a redirect (never followed)', 307, '', 'unsupported'],
    // Regression: each of these threw a TypeError out of the setup, retried as InfluxDB unreachable for ever.
    ['a series that is not a list', 200, '{"results":[{"series":5}]}', 'unsupported'],
    ['a series without columns', 200, '{"results":[{"series":[{"columns":null,"values":[[1]]}]}]}', 'unsupported'],
    ['a series that is null', 200, '{"results":[{"series":[null]}]}', 'unsupported'],
    ['an error that is not text', 200, '{"results":[{"error":5}]}', 'unsupported'],
    ['JSON null', 200, 'null', 'unsupported'],
  ])('%s (HTTP %i): %j', (_, status, text, expected) => {
    const verdict = judgeSetupAnswer(status, text, false);
    if (typeof expected === 'string')
      expect(verdict).toEqual({
        kind: 'refused',
        refusal: expected,
        detail: expect.stringMatching(`^HTTP ${status}: `),
      });
    else expect(verdict).toEqual(expected);
  });

  it.each([
    ['InfluxDB starting (a proxy in front)', 503, '503 Service Unavailable'],
    ['a 500 that may pass', 500, '{"error":"timeout"}'],
    ['429', 429, '{"code":"too many requests"}'],
    ['a gateway timeout', 504, ''],
  ])('%s (HTTP %i) is retried', (_, status, text) => {
    expect(judgeSetupAnswer(status, text, false)).toMatchObject({ kind: 'retry', status });
  });

  it('reads the rows of SHOW RETENTION POLICIES by column', () => {
    const text = JSON.stringify({
      results: [
        {
          statement_id: 0,
          series: [
            {
              columns: ['name', 'duration'],
              values: [
                ['autogen', '0s'],
                ['linewatch', '720h0m0s'],
              ],
            },
          ],
        },
      ],
    });
    expect(judgeSetupAnswer(200, text, false)).toEqual({
      kind: 'ok',
      rows: [
        { name: 'autogen', duration: '0s' },
        { name: 'linewatch', duration: '720h0m0s' },
      ],
    });
  });

  it('an answer cut short is not read as JSON, and says it was cut', () => {
    expect(judgeSetupAnswer(200, '{"results":[{"statement_id":0', true)).toEqual({
      kind: 'refused',
      refusal: 'unsupported',
      detail: `HTTP 200: {"results":[{"statement_id":0… (not InfluxDB's answer)`,
    });
  });

  it('quotes an identifier with its quotes and backslashes escaped', () => {
    expect(quoted('plant "b"\\x')).toBe('"plant \\"b\\"\\\\x"');
  });
});
