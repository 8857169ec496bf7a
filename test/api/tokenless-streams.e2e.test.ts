/**
 * Regression: an API beyond loopback with http.api_token and no read_token (http.public_reads: true) serves
 * /api/events without a token, and one peer without it (an intruder on the plant network) could open every one of
 * http.max_event_streams: the operators' Node-RED, sending the api token, was answered 503 until the intruder let go.
 * Event streams without a token now hold at most half of them; a request with the token finds the rest. A real
 * endpoint on 0.0.0.0, reached at 127.0.0.1 under the name a plant client would use.
 */
import { request, type ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type GatewayApi, type HttpEndpoint } from '../../src/api/http-server.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const WRITE = 'write-token-0123456789';
const api = {
  status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
  events: new EventBus<GatewayTopics>(() => undefined),
} as unknown as GatewayApi;

const opened: ClientRequest[] = [];
let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  for (const req of opened.splice(0)) req.destroy();
  await endpoint?.close();
  endpoint = undefined;
});

/** Opens an event stream on a connection of its own; resolves with its status once the headers arrive. */
function openStream(port: number, token?: string, host = 'gw.plant:8080'): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { host, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const req = request({ host: '127.0.0.1', port, path: '/api/events', agent: false, headers }, (res) =>
      resolve(res.statusCode!),
    );
    opened.push(req);
    req.on('error', reject);
    req.end();
  });
}

describe('event streams without a token, on an API with api_token and no read_token', () => {
  it('hold at most half of max_event_streams: a client with the token still opens one', async () => {
    endpoint = await startHttpEndpoint(
      { host: '0.0.0.0', port: 0, apiToken: WRITE, maxEventStreams: 4 },
      api,
      new GatewayMetrics(),
      silentLogger(),
    );
    const port = endpoint.port;
    const tokenless: number[] = [];
    for (let i = 0; i < 4; i++) tokenless.push(await openStream(port));
    expect(tokenless).toEqual([200, 200, 503, 503]);
    expect([await openStream(port, WRITE), await openStream(port, WRITE)]).toEqual([200, 200]);
    expect(await openStream(port, WRITE)).toBe(503);
  });

  it('hold every stream where no token is configured (nothing to reserve them for)', async () => {
    endpoint = await startHttpEndpoint(
      { host: '127.0.0.1', port: 0, maxEventStreams: 3 },
      api,
      new GatewayMetrics(),
      silentLogger(),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await openStream(endpoint.port, undefined, 'localhost'));
    expect(statuses).toEqual([200, 200, 200, 503]);
  });
});
