/**
 * Regression: stop() while the source was still connecting (session not made yet) left that connection, its session
 * and its secure channel open for good: the loop saw it was stopped and left without closing what it had just opened.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { carries, REQUESTS } from '../../helpers/opcua-requests.js';
import { sourceVia, withProxiedServer } from '../../helpers/proxied-sim-opcua.js';

const FLOW = { channel: 'flow', node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow' };

describe('OPC UA source stop', () => {
  it('closes a connection it was still making when it stopped', () =>
    // Between the source and the server, the proxy sees the source's TCP connection open and close.
    withProxiedServer(async (server, proxy) => {
      // The transport's idle timeout closes a forgotten socket after this long: longer than the test waits.
      const source = await sourceVia(server, proxy, { nodes: [FLOW], timeout_ms: 60_000 });
      // Every TCP connection the source makes.
      const clients: Socket[] = [];
      proxy.events.on('connection', (socket: Socket) => clients.push(socket));
      const accepted = once(proxy.events, 'connection');
      await source.start(() => undefined);
      // The first TCP connection is open; the OPC UA hello, secure channel and session are still to come.
      await accepted;
      await source.stop();
      // stop() resolved: the loop has ended, so every connection it made is made.
      expect(clients.length).toBeGreaterThan(0);
      // actual: the last one stayed open (the test timed out here), its session kept alive.
      await Promise.all(clients.map((c) => (c.destroyed ? undefined : once(c, 'close'))));
      expect(source.connected).toBe(false);
      expect(source.connections).toBe(0);
    }));
});

/**
 * Regression: a stop() while the source resolved its nodes or subscribed still counted the connection, set
 * source_connected to 1 (and could log "subscription rebuilt") before it closed it. The proxy holds the server's
 * answer to the request while the source is stopped.
 */
describe('OPC UA source stopped while it sets up the subscription', () => {
  it.each([
    ['resolving its nodes', REQUESTS.translate],
    ['subscribing', REQUESTS.createSubscription],
  ] as const)('when %s, counts no connection and never says it is connected', (_, request) =>
    withProxiedServer(async (server, proxy) => {
      const pressure = {
        channel: 'pressure',
        browse_path: '/Objects/Plant/Pump1/pressure',
        browse_namespace: 'urn:linewatch:sim',
      };
      const source = await sourceVia(server, proxy, { nodes: [FLOW, pressure] });
      const sent = new Promise<void>((resolve) =>
        proxy.events.on('connection', (socket: Socket) =>
          socket.on('data', (data: Buffer) => {
            if (!carries(data, request)) return;
            // The request went on; its answer is held until the source is stopped.
            proxy.stall(true);
            resolve();
          }),
        ),
      );
      await source.start(() => undefined);
      await sent;
      const stopped = source.stop();
      proxy.stall(false);
      await stopped;
      // actual: 1 (counted, and source_connected set to 1, as it is with the count, before the close).
      expect(source.connections).toBe(0);
      expect(source.connected).toBe(false);
    }),
  );
});
