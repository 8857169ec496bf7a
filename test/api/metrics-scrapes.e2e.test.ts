/**
 * Regression (attack on the API, session 35): `GET /metrics` needs no token, and its whole body was built for each
 * request (5–8 ms on this 2-core machine), so a client asking some 200 times a second delayed the event loop 43–91 ms
 * p99 (docs/operations.md, "HTTP API"). The body is now built once for the requests that come while it is built, and
 * reused for REUSE_PER_BUILD_MS times as long as its build took (at most MAX_REUSE_MS). A real endpoint over real
 * sockets; the registry holds one more real gauge whose collect() counts the builds and stands for a build's time by
 * moving the endpoint's clock.
 */
import { get } from 'node:http';
import { Gauge } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type HttpEndpoint } from '../../src/api/http-server.js';
import { MAX_REUSE_MS, REUSE_PER_BUILD_MS } from '../../src/api/shared-build.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { stubGatewayApi } from '../helpers/stub-gateway-api.js';

let endpoint: HttpEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

/** An endpoint whose /metrics build takes `buildMs` on its clock; `failNext` makes the next build fail. */
async function serve(buildMs: number) {
  const clock = { ms: 1_000 };
  const builds = { count: 0, failNext: false };
  const metrics = new GatewayMetrics();
  new Gauge({
    name: 'test_metrics_builds',
    help: 'builds of the /metrics body so far',
    registers: [metrics.registry],
    collect() {
      builds.count++;
      clock.ms += buildMs;
      if (builds.failNext) {
        builds.failNext = false;
        throw new Error('collector failed');
      }
      this.set(builds.count);
    },
  });
  endpoint = await startHttpEndpoint({ host: '127.0.0.1', port: 0 }, stubGatewayApi(), metrics, silentLogger(), () => {
    return clock.ms;
  });
  const port = endpoint.port;
  /** GET /metrics on a connection of its own: the status and the body. */
  const scrape = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/metrics', agent: false, headers: { host: 'localhost' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      }).on('error', reject);
    });
  return { clock, builds, metrics, scrape };
}

/** The build a body was made by (the gauge's value in it). */
const buildOf = (body: string) => Number(/^test_metrics_builds (\d+)$/m.exec(body)?.[1]);

describe('GET /metrics asked again and again', () => {
  it('is built once for the requests that come together, all answered the same body', async () => {
    const { builds, scrape } = await serve(5);
    const answers = await Promise.all(Array.from({ length: 16 }, scrape));
    expect(answers.map((a) => [a.status, buildOf(a.body)])).toEqual(Array(16).fill([200, 1]));
    expect(builds.count).toBe(1);
  });

  it(`reuses a body for ${REUSE_PER_BUILD_MS} times its build's time, then builds one with what changed`, async () => {
    const { clock, builds, metrics, scrape } = await serve(5);
    expect(buildOf((await scrape()).body)).toBe(1);
    metrics.apiRequestsUnauthorized.inc();
    clock.ms += REUSE_PER_BUILD_MS * 5 - 1;
    const reused = await scrape();
    expect([buildOf(reused.body), builds.count]).toEqual([1, 1]);
    expect(reused.body).toMatch(/^linewatch_api_requests_unauthorized_total 0$/m);
    clock.ms += 1;
    const fresh = await scrape();
    expect([buildOf(fresh.body), builds.count]).toEqual([2, 2]);
    expect(fresh.body).toMatch(/^linewatch_api_requests_unauthorized_total 1$/m);
  });

  it(`reuses a slow build's body ${MAX_REUSE_MS} ms at most: a scrape each second always gets a new one`, async () => {
    const { clock, builds, scrape } = await serve(100);
    await scrape();
    clock.ms += MAX_REUSE_MS - 1;
    expect(buildOf((await scrape()).body)).toBe(1);
    clock.ms += 1;
    expect(buildOf((await scrape()).body)).toBe(2);
    clock.ms += 1_000;
    expect(buildOf((await scrape()).body)).toBe(3);
    expect(builds.count).toBe(3);
  });

  it('keeps no failed build: its request is answered 500, the next one builds again at once', async () => {
    const { builds, scrape } = await serve(5);
    builds.failNext = true;
    const failed = await scrape();
    expect([failed.status, JSON.parse(failed.body)]).toEqual([500, { error: 'internal error: collector failed' }]);
    const next = await scrape();
    expect([next.status, buildOf(next.body), builds.count]).toEqual([200, 2, 2]);
  });
});
