/**
 * Regression: a connection lost while the source resolved its nodes or made its subscription (before it counted
 * itself connected) was not noticed: the loss was ignored as "not connected yet", and the source waited for the
 * request to time out, or for stale_after_ms once it thought itself subscribed on a dead connection, before it built
 * the connection again. The proxy cuts the connection as the request goes out; the source must be subscribed again,
 * its samples flowing, well within stale_after_ms (10 minutes here: the test's own timeout says it did not wait).
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { carries, REQUESTS } from '../../helpers/opcua-requests.js';
import { sourceVia, withProxiedServer } from '../../helpers/proxied-sim-opcua.js';

const FLOW = { channel: 'flow', node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow' };
const PRESSURE = {
  channel: 'pressure',
  browse_path: '/Objects/Plant/Pump1/pressure',
  browse_namespace: 'urn:linewatch:sim',
};

describe('OPC UA connection lost while the subscription is being made', () => {
  it.each([
    ['resolving its nodes', REQUESTS.translate],
    ['creating the subscription', REQUESTS.createSubscription],
    ['creating the monitored items', REQUESTS.createMonitoredItems],
  ] as const)(
    'when %s, connects again at its backoff, not after stale_after_ms',
    (_, request) =>
      withProxiedServer(async (server, proxy) => {
        const source = await sourceVia(server, proxy, {
          nodes: [FLOW, PRESSURE],
          stale_after_ms: 600_000,
          timeout_ms: 600_000,
        });
        let cut = false;
        proxy.events.on('connection', (socket: Socket) =>
          socket.on('data', (data: Buffer) => {
            if (cut || !carries(data, request)) return;
            cut = true;
            // The request went out; the link drops before its answer, and is back at once.
            proxy.setUp(false);
            proxy.setUp(true);
          }),
        );
        const flowing = new Promise<void>((resolve) =>
          source.start((batch) => {
            if (batch.some((s) => s.channel === 'flow' && s.quality === 'good')) resolve();
          }),
        );
        await flowing;
        expect(cut).toBe(true);
        expect(source.connections).toBe(1);
        await source.stop();
      }),
    20_000,
  );
});
