/**
 * Regression (review s34, finding 2): the API's answers had a bare `content-type` and nothing else. A JSON error
 * quotes what the client sent, and nothing told a browser not to sniff it as another type; nothing kept a status or
 * an event stream out of a proxy's or a browser's cache, where a stale alarm misleads. Every
 * answer now says nosniff, no-store and a CSP that loads and frames nothing, with its charset: answers, errors and
 * the event stream alike, over a real socket.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type HttpEndpoint } from '../../src/api/http-server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { stubGatewayApi } from '../helpers/stub-gateway-api.js';

const WRITE = 'write-token-0123456789';
const READ = 'read-token-0123456789';
const api = stubGatewayApi();

let endpoint: HttpEndpoint;
beforeAll(async () => {
  endpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0, apiToken: WRITE, readToken: READ },
    api,
    new GatewayMetrics(),
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
