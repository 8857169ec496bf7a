/**
 * Regression (review s34, finding 2): the API's answers had a bare `content-type` and nothing else. A JSON error
 * quotes what the client sent, and nothing told a browser not to sniff it as another type; nothing kept a status or
 * an event stream out of a proxy's or a browser's cache, where a stale alarm misleads. Every
 * answer now says nosniff, no-store and a CSP that loads and frames nothing, with its charset: answers, errors and
 * the event stream alike, over a real socket. Regression (attack on the API, session 35): what Node's parser refuses
 * (a malformed request line, headers too large, headers not sent in time) Node answered itself, with `Connection:
 * close` alone; now with the same headers, a JSON error, and the connection closed.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type HttpEndpoint } from '../../src/api/http-server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { stubGatewayApi } from '../helpers/stub-gateway-api.js';

const WRITE = 'write-token-0123456789';
const READ = 'read-token-0123456789';
const api = stubGatewayApi();

let endpoint: HttpEndpoint;
const metrics = new GatewayMetrics();
beforeAll(async () => {
  endpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0, apiToken: WRITE, readToken: READ, headersTimeoutMs: 400 },
    api,
    metrics,
    silentLogger(),
  );
});
afterAll(() => endpoint.close());

const SAFE = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** The status and the headers of one request's answer (an event stream is closed once its headers arrive). */
function headersOf(method: string, path: string, token?: string, host = 'localhost') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const headers = { host, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const req = request({ host: '127.0.0.1', port: endpoint.port, method, path, headers, agent: false }, (res) => {
      resolve({ status: res.statusCode!, headers: res.headers });
      res.destroy();
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{"by":"j.doe"}' : undefined);
  });
}

describe('every answer of the API', () => {
  it.each([
    ['GET', '/healthz', undefined, 200, 'application/json; charset=utf-8'],
    ['GET', '/metrics', undefined, 200, 'text/plain; version=0.0.4; charset=utf-8'],
    ['GET', '/api/status', READ, 200, 'application/json; charset=utf-8'],
    ['GET', '/api/status', undefined, 401, 'application/json; charset=utf-8'],
    ['GET', '/api/events', READ, 200, 'text/event-stream; charset=utf-8'],
    ['HEAD', '/api/events', READ, 200, 'text/event-stream; charset=utf-8'],
    ['GET', '/api/events?types=nope', READ, 400, 'application/json; charset=utf-8'],
    ['GET', '/nowhere', undefined, 404, 'application/json; charset=utf-8'],
    ['PUT', '/api/status', READ, 405, 'application/json; charset=utf-8'],
    ['POST', '/api/alarms/pump-1/anomaly/%3Cscript%3E', WRITE, 404, 'application/json; charset=utf-8'],
    ['POST', '/api/alarms/pump-1/anomaly/ack', READ, 401, 'application/json; charset=utf-8'],
  ] as const)('%s %s (token: %s) is %i, %s, nosniff and no-store', async (method, path, token, status, type) => {
    const got = await headersOf(method, path, token);
    expect(got.status).toBe(status);
    expect(got.headers).toMatchObject({ ...SAFE, 'content-type': type });
  });

  it('says the same on a 421 for a Host that is not loopback', async () => {
    const got = await headersOf('GET', '/healthz', undefined, 'evil.example');
    expect(got.status).toBe(421);
    expect(got.headers).toMatchObject({ ...SAFE, 'content-type': 'application/json; charset=utf-8' });
  });
});

/** Sends `text` on a connection of its own; resolves with all it received once the server closes the connection. */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint.port, '127.0.0.1');
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.write(text);
  });
}

/** An answer's status line, headers (names in lower case) and body. */
function parseAnswer(text: string) {
  const [head, body] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)]),
  );
  return { statusLine, headers, body };
}

describe("what Node's parser refuses", () => {
  it.each([
    [
      'a malformed request line',
      'NOT HTTP AT ALL\r\n\r\n',
      'HTTP/1.1 400 Bad Request',
      /^bad request: .* \(HPE_INVALID_METHOD\)$/,
    ],
    [
      'headers over 16 KiB',
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'HTTP/1.1 431 Request Header Fields Too Large',
      /^request header fields too large \(HPE_HEADER_OVERFLOW\)$/,
    ],
    [
      'headers not sent whole within headers_timeout_ms',
      'GET /healthz HTTP/1.1\r\nHost: localhost\r\n',
      'HTTP/1.1 408 Request Timeout',
      /^request timeout: .* \(ERR_HTTP_REQUEST_TIMEOUT\)$/,
    ],
  ])(
    '%s is answered with the same headers, a JSON error, and closed, and counted',
    async (_, sent, statusLine, error) => {
      const unreadable = async () => (await metrics.apiRequestsUnreadable.get()).values[0]?.value ?? 0;
      const before = await unreadable();
      const answer = parseAnswer(await raw(sent));
      expect(await unreadable()).toBe(before + 1);
      expect(answer.statusLine).toBe(statusLine);
      expect(answer.headers).toMatchObject({
        ...SAFE,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(answer.body)),
        connection: 'close',
      });
      expect((JSON.parse(answer.body) as { error: string }).error).toMatch(error);
    },
  );

  it('is not written into an answer already under way (an event stream): the connection is closed', async () => {
    const socket = connect(endpoint.port, '127.0.0.1');
    let got = '';
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const streaming = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        got += chunk.toString('latin1');
        if (got.includes('retry: 2000')) resolve();
      }),
    );
    socket.write(`GET /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${READ}\r\n\r\n`);
    await streaming;
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    await closed;
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(got).not.toContain('400 Bad Request');
  });
});
