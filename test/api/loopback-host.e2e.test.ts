/**
 * Regression (DNS rebinding): an API on loopback with no read_token answered /api/ reads whatever Host the request
 * named, so a web page open in a browser on the gateway's machine (an HMI panel PC) could point its own name at
 * 127.0.0.1 and read /api/status and /api/events as its own origin. On a loopback listener, /api/ reads without
 * read_token are answered under a loopback name only; a read with the token as before. And (regression, 2026-12-07)
 * /healthz, /readyz and /metrics, open without a token, are answered under a loopback name only, token or not. A
 * real HTTP endpoint on 127.0.0.1, requests sent with the Host a browser would send. Refused with 421, as
 * http.allowed_hosts refuses beyond loopback (403 before 2026-12-07: two statuses for one refusal).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type GatewayApi, type HttpEndpoint } from '../../src/api/http-server.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { hostRequest } from '../helpers/host-request.js';

const READ = 'read-token-0123456789';
const api = {
  status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
  events: new EventBus<GatewayTopics>(() => undefined),
} as unknown as GatewayApi;

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

/** GET (or `method`) `path` on the endpoint with `host` as the Host header; the status and the body. */
function get(path: string, host: string, token?: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return hostRequest(endpoint!.port, method, path, { host, token });
}

describe('an API on loopback, read by another name', () => {
  it('answers /api/ reads without read_token under a loopback name only', async () => {
    endpoint = await startHttpEndpoint({ host: '127.0.0.1', port: 0 }, api, new GatewayMetrics(), silentLogger());
    const port = endpoint.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, '127.0.0.2'])
      expect([host, (await get('/api/status', host)).status]).toEqual([host, 200]);
    const rebound = await get('/api/status', `evil.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body)).toEqual({
      error:
        'the API listens on loopback (127.0.0.1) and answers /healthz, /readyz and /metrics under a loopback name ' +
        '(localhost, 127.0.0.1, [::1]) only, and /api/ too unless http.read_token is set: a request through another ' +
        'name came from beyond this machine (a reverse proxy) or from a web page that pointed its own name here',
    });
    expect((await get('/api/events', `evil.example:${port}`)).status).toBe(421);
    // Regression: the part up to ']' was taken for the host, whatever followed it.
    for (const host of ['[::1]evil.example', `[::1]evil.example:${port}`, '[::1]:80x', 'localhost:80:80'])
      expect([host, (await get('/api/status', host)).status]).toEqual([host, 421]);
  });

  // Regression: /healthz, /readyz and /metrics answered any Host, so a rebinding page read the assets', sources' and
  // sinks' names, each source's issues (device addresses) and every alarm's state from them.
  it('answers /healthz, /readyz and /metrics under a loopback name only, read token or not', async () => {
    for (const readToken of [undefined, READ]) {
      endpoint = await startHttpEndpoint(
        { host: '127.0.0.1', port: 0, readToken },
        api,
        new GatewayMetrics(),
        silentLogger(),
      );
      const port = endpoint.port;
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        expect([readToken, path, (await get(path, `localhost:${port}`)).status]).toEqual([readToken, path, 200]);
        const rebound = await get(path, `evil.example:${port}`, readToken);
        expect([readToken, path, rebound.status]).toEqual([readToken, path, 421]);
        expect(rebound.body).toContain('answers /healthz, /readyz and /metrics under a loopback name');
      }
      await endpoint.close();
      endpoint = undefined;
    }
  });

  it('leaves it to the token where read_token is set, and to any name beyond loopback', async () => {
    endpoint = await startHttpEndpoint(
      { host: '127.0.0.1', port: 0, readToken: READ },
      api,
      new GatewayMetrics(),
      silentLogger(),
    );
    expect((await get('/api/status', 'gateway.plant.example')).status).toBe(401);
    expect((await get('/api/status', 'gateway.plant.example', READ)).status).toBe(200);
    // A write needs the api token whatever the Host (here none is configured: the write API is off).
    const write = await get('/api/alarms/pump-1/anomaly/ack', 'gateway.plant.example', READ, 'POST');
    expect([write.status, JSON.parse(write.body)]).toEqual([
      403,
      { error: 'the write API is disabled: set http.api_token in the configuration' },
    ]);
    await endpoint.close();
    endpoint = await startHttpEndpoint(
      { host: '0.0.0.0', port: 0, apiToken: READ },
      api,
      new GatewayMetrics(),
      silentLogger(),
    );
    expect((await get('/api/status', 'gateway.plant.example')).status).toBe(200);
  });
});
