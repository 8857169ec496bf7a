/**
 * Regression (DNS rebinding beyond loopback, 2026-12-07): an API on 0.0.0.0 answered /healthz, /readyz and /metrics
 * (open without a token, by design) and, with public_reads, the /api/ reads under any Host header, so a web page opened
 * on the plant network could point its own name at the gateway's address and read the sources' issues (device
 * addresses) and every alarm's state. With http.allowed_hosts, a Host it does not list (nor a loopback name) is
 * refused with 421 on every path and counted. A real HTTP endpoint on 0.0.0.0, asked on 127.0.0.1 with the Host a
 * browser or a probe would send.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api/handlers.js';
import { startHttpEndpoint, type GatewayApi, type HttpEndpoint } from '../../src/api/http-server.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { hostRequest } from '../helpers/host-request.js';

const TOKEN = 'api-token-0123456789';
const ALLOWED = ['gateway.plant.example', '10.0.0.5', '[fd00::5]:8080', 'fd00::7'];
const api = {
  status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
  events: new EventBus<GatewayTopics>(() => undefined),
  command: () => Promise.resolve({}),
} as unknown as GatewayApi;

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

async function start(allowedHosts: readonly string[] | undefined, metrics = new GatewayMetrics()): Promise<number> {
  endpoint = await startHttpEndpoint(
    { host: '0.0.0.0', port: 0, apiToken: TOKEN, ...(allowedHosts ? { allowedHosts } : {}) },
    api,
    metrics,
    silentLogger(),
  );
  return endpoint.port;
}

/** `method path` on the endpoint with `host` as the Host header (none: undefined); the status and the body. */
function send(method: string, path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  const body = method === 'POST' ? '{"by": "op"}' : undefined;
  return hostRequest(endpoint!.port, method, path, { host, token: TOKEN, body });
}

/** The status of `GET /healthz HTTP/1.0` without a Host header, on a raw socket. */
function http10Status(port: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.end('GET /healthz HTTP/1.0\r\n\r\n'));
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('end', () => resolve(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]));
    socket.on('error', reject);
  });
}

const wrongHostCount = async (metrics: GatewayMetrics) =>
  /^linewatch_api_requests_wrong_host_total (\d+)$/m.exec(
    await metrics.registry.getSingleMetricAsString('linewatch_api_requests_wrong_host_total'),
  )?.[1];

describe('an API beyond loopback with http.allowed_hosts', () => {
  it('refuses another Host with 421 on every path, writes included, and counts each', async () => {
    const metrics = new GatewayMetrics();
    const port = await start(ALLOWED, metrics);
    const paths = [
      ['GET', '/healthz'],
      ['GET', '/readyz'],
      ['GET', '/metrics'],
      ['GET', '/api/status'],
      ['GET', '/api/events'],
      ['HEAD', '/api/alarms'],
      ['POST', '/api/alarms/press/high_score/ack'],
    ];
    for (const [method, path] of paths) {
      const rebound = await send(method, path, `evil.example:${port}`);
      expect([method, path, rebound.status]).toEqual([method, path, 421]);
      if (method !== 'HEAD')
        expect(JSON.parse(rebound.body)).toEqual({
          error:
            `the Host this request names ("evil.example:${port}") is not one this gateway answers: a client that ` +
            'reaches it by this name needs it in http.allowed_hosts (a web page that pointed its own name here must not)',
        });
    }
    expect(await wrongHostCount(metrics)).toBe(String(paths.length));
  });

  it('answers the names and addresses it lists, with any port where the entry names none, and loopback names', async () => {
    const port = await start(ALLOWED);
    const answered = [
      `gateway.plant.example:${port}`,
      'GATEWAY.Plant.Example',
      'gateway.plant.example.:8080',
      '10.0.0.5',
      `10.0.0.5:${port}`,
      '[fd00::5]:8080',
      '[fd00:0:0::5]:8080',
      `[fd00::7]:${port}`,
      `localhost:${port}`,
      '127.0.0.1',
      `[::1]:${port}`,
    ];
    for (const host of answered)
      for (const path of ['/healthz', '/metrics', '/api/status'])
        expect([host, path, (await send('GET', path, host)).status]).toEqual([host, path, 200]);
    // HTTP/1.0 without a Host (a bare probe; no browser sends that; Node refuses HTTP/1.1 without one, 400)
    expect(await http10Status(port)).toBe('200');
  });

  it('refuses a listed host on another port than its entry names, and a Host of another shape', async () => {
    const port = await start(ALLOWED);
    const refused = [
      '[fd00::5]:9090',
      '[fd00::5]',
      'plant.example',
      'gateway.plant.example.evil.example',
      'evil.gateway.plant.example',
      '10.0.0.50',
      `gateway.plant.example@evil.example:${port}`,
      'gateway.plant.example:80:80',
      '[::1]evil.example',
      '10.0.0.5:',
    ];
    for (const host of refused) expect([host, (await send('GET', '/healthz', host)).status]).toEqual([host, 421]);
  });

  it('answers any Host where allowed_hosts is unset (as before; validate and the start warn), none where it is []', async () => {
    let port = await start(undefined);
    expect((await send('GET', '/healthz', `evil.example:${port}`)).status).toBe(200);
    await endpoint!.close();
    port = await start([]);
    expect((await send('GET', '/healthz', `evil.example:${port}`)).status).toBe(421);
    expect((await send('GET', '/healthz', `localhost:${port}`)).status).toBe(200);
  });
});

describe('an API on an address or name of its own, with http.allowed_hosts', () => {
  // The image's health check asks /healthz on the address http.host names (scripts/healthcheck.mjs); no such address
  // can be bound here, so the handler is asked as the server asks it.
  it('answers that address or name as its Host, listed or not; 0.0.0.0 and :: name no host', async () => {
    const ask = (listen: string, host: string) =>
      createApiHandler(
        { host: listen, port: 8080, allowedHosts: ['gw'] },
        api,
        new GatewayMetrics(),
      )({
        method: 'GET',
        url: '/healthz',
        host,
        readBody: () => Promise.resolve(''),
      }).then((r) => [listen, host, r.kind === 'json' && r.status]);
    for (const [listen, host, status] of [
      ['10.0.0.5', '10.0.0.5:8080', 200],
      ['fd00::5', '[fd00::5]:8080', 200],
      ['gateway.plant.example', 'gateway.plant.example:8080', 200],
      ['10.0.0.5', '10.0.0.6:8080', 421],
      ['0.0.0.0', '0.0.0.0:8080', 421],
      ['::', '[::]:8080', 421],
    ] as const)
      expect(await ask(listen, host)).toEqual([listen, host, status]);
  });
});

describe('an API on loopback', () => {
  // Regression (session 35): a loopback listener answered 403 where allowed_hosts answers 421, for the same refusal.
  it('refuses a Host that is not loopback with the same 421, counted in the same counter', async () => {
    const metrics = new GatewayMetrics();
    endpoint = await startHttpEndpoint({ host: '127.0.0.1', port: 0 }, api, metrics, silentLogger());
    expect((await send('GET', '/metrics', `evil.example:${endpoint.port}`)).status).toBe(421);
    expect((await send('GET', '/metrics', `localhost:${endpoint.port}`)).status).toBe(200);
    expect(await wrongHostCount(metrics)).toBe('1');
  });
});
