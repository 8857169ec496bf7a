/**
 * Found attacking the API (session 35): a client guessing the bearer token left no trace, neither a count nor a line,
 * so an intruder trying tokens on the plant network went unseen. Every 401 is now counted
 * (linewatch_api_requests_unauthorized_total), for an alert; it is not logged, so a guesser cannot flood the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type HttpEndpoint } from '../../src/api/http-server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { stubGatewayApi } from '../helpers/stub-gateway-api.js';

const WRITE = 'write-token-0123456789';
const READ = 'read-token-0123456789';
let endpoint: HttpEndpoint;
const metrics = new GatewayMetrics();
beforeAll(async () => {
  endpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0, apiToken: WRITE, readToken: READ },
    stubGatewayApi(),
    metrics,
    silentLogger(),
  );
});
afterAll(() => endpoint.close());

describe('a request with a missing or wrong token', () => {
  it('is answered 401 and counted, a read or a write; one with its token is not counted', async () => {
    const base = `http://127.0.0.1:${endpoint.port}`;
    const get = (token?: string) =>
      fetch(`${base}/api/status`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const post = (token: string) =>
      fetch(`${base}/api/alarms/pump-1/anomaly/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: '{"by":"j.doe"}',
      });
    const statuses = [];
    for (const guess of ['guess-0000000000000000', 'guess-0000000000000001', undefined])
      statuses.push((await get(guess)).status);
    statuses.push((await post(READ)).status, (await post('guess-0000000000000002')).status);
    statuses.push((await get(READ)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 200]);
    expect(await metrics.registry.getSingleMetricAsString('linewatch_api_requests_unauthorized_total')).toMatch(
      /^linewatch_api_requests_unauthorized_total 5$/m,
    );
  });
});
