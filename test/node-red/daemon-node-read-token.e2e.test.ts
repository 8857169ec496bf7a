/**
 * Regression: the daemon node opened the gateway's event stream without its token, so a gateway with http.read_token
 * (which security.md asks for wherever anything beyond its machine reaches the API) answered 401 and the node
 * reconnected for ever, passing no event on. The API token reads too: it is now sent with the stream's request. A real
 * HTTP endpoint of the gateway's API on 127.0.0.1 with both tokens, a real Node-RED runtime (the test helper).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type GatewayApi, type HttpEndpoint } from '../../src/api/http-server.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { ScoreResult } from '../../src/core/types.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { collect, helper, nodes } from './helper.js';

const API_TOKEN = 'node-red-api-token-7';
const bus = new EventBus<GatewayTopics>(() => undefined);
const api = {
  status: () => ({ state: 'running', sources: [], assets: [], sinks: [] }),
  events: bus,
} as unknown as GatewayApi;
let endpoint: HttpEndpoint;

beforeAll(async () => {
  endpoint = await startHttpEndpoint(
    { host: '127.0.0.1', port: 0, apiToken: API_TOKEN, readToken: 'read-token-for-dashboards-3' },
    api,
    new GatewayMetrics(),
    silentLogger(),
  );
});
afterEach(() => helper.unload());
afterAll(() => endpoint.close());

describe('linewatch-daemon and a gateway with http.read_token', () => {
  it("receives the gateway's events with its API token", async () => {
    await helper.load(
      [nodes.daemon],
      [
        {
          id: 'd',
          type: 'linewatch-daemon',
          url: `http://127.0.0.1:${endpoint.port}`,
          events: 'score',
          wires: [['o']],
        },
        { id: 'o', type: 'helper' },
      ],
      { d: { token: API_TOKEN } },
    );
    const out = collect(helper.getNode('o')!);
    const score = { asset: 'pump-1', ts: 1_765_000_000_000, score: 0.25, threshold: 1 } as unknown as ScoreResult;
    // A score a poll until the stream is open: each is sent to the streams open at that moment.
    await expect
      .poll(() => (bus.publish('scores', [score]), out.map((m) => [m.topic, m.payload.score])), { timeout: 10_000 })
      .toContainEqual(['pump-1/score', 0.25]);
  });
});
