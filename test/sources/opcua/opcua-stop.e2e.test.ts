/**
 * Regression: stop() while the source was still connecting (session not made yet) left that connection, its session
 * and its secure channel open for good: the loop saw it was stopped and left without closing what it had just opened.
 */
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimOpcuaServer, type SimOpcuaServer } from '../../../src/sim/opcua-server.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

/** The sim's OPC UA server behind a TCP proxy (to see and hold the source's traffic), for `act`; closed after. */
async function withProxiedServer(act: (server: SimOpcuaServer, proxy: TcpProxy) => Promise<void>): Promise<void> {
  const server = await startSimOpcuaServer(new LineSimulator({ seed: 3 }), {
    port: 0,
    pkiDir: await mkdtemp(join(tmpdir(), 'lw-ua-stop-server-')),
  });
  const proxy = await startTcpProxy(server.port);
  try {
    await act(server, proxy);
  } finally {
    await proxy.close();
    await server.close();
  }
}

/** A source of the sim's nodes through the proxy, unsecured. */
async function sourceVia(
  server: SimOpcuaServer,
  proxy: TcpProxy,
  settings: { nodes: unknown[]; timeout_ms?: number },
): Promise<OpcuaSource> {
  return new OpcuaSource(
    opcuaSourceSchema.parse({
      name: 'ua',
      type: 'opcua',
      endpoint: server.endpointUrl.replace(`:${server.port}/`, `:${proxy.port}/`),
      asset: 'pump-1',
      security_mode: 'None',
      pki_dir: await mkdtemp(join(tmpdir(), 'lw-ua-stop-client-')),
      ...settings,
    }),
    { logger: createLogger('silent'), metrics: new GatewayMetrics() },
  );
}

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

/** The request a client sends, found in a chunk of an unsecured channel: its type's binary encoding id. */
const REQUESTS = { translate: 554, createSubscription: 787 } as const;

/** Whether `data` (client to server, security None) holds a MSG chunk carrying the request `encodingId`. */
function carries(data: Buffer, encodingId: number): boolean {
  // "MSGF", size, channel id, token id, sequence number, request id, then the type's node id (four-byte form: 01 00
  // and the id).
  for (let at = data.indexOf('MSG'); at >= 0 && at + 28 <= data.length; at = data.indexOf('MSG', at + 1))
    if (data[at + 24] === 1 && data[at + 25] === 0 && data.readUInt16LE(at + 26) === encodingId) return true;
  return false;
}

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
