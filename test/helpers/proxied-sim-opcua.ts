/**
 * The simulator's OPC UA server behind a TCP proxy (tcp-proxy.ts), to see, hold or cut a source's traffic, and a
 * source of its nodes through the proxy.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opcuaSourceSchema } from '../../src/config/schema.js';
import { LineSimulator } from '../../src/sim/line-simulator.js';
import { startSimOpcuaServer, type SimOpcuaServer } from '../../src/sim/opcua-server.js';
import { OpcuaSource } from '../../src/sources/opcua/opcua-source.js';
import { createLogger, type Logger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** The sim's OPC UA server behind a TCP proxy (to see and hold the source's traffic), for `act`; closed after. */
export async function withProxiedServer(
  act: (server: SimOpcuaServer, proxy: TcpProxy) => Promise<void>,
): Promise<void> {
  const server = await startSimOpcuaServer(new LineSimulator({ seed: 3 }), {
    port: 0,
    pkiDir: await mkdtemp(join(tmpdir(), 'lw-ua-proxied-server-')),
  });
  const proxy = await startTcpProxy(server.port);
  try {
    await act(server, proxy);
  } finally {
    await proxy.close();
    await server.close();
  }
}

/** A source of the sim's nodes through the proxy, unsecured, logging to `logger` (silent where none is given). */
export async function sourceVia(
  server: SimOpcuaServer,
  proxy: TcpProxy,
  settings: { nodes: unknown[]; timeout_ms?: number; stale_after_ms?: number },
  logger: Logger = createLogger('silent'),
): Promise<OpcuaSource> {
  return new OpcuaSource(
    opcuaSourceSchema.parse({
      name: 'ua',
      type: 'opcua',
      endpoint: server.endpointUrl.replace(`:${server.port}/`, `:${proxy.port}/`),
      asset: 'pump-1',
      security_mode: 'None',
      pki_dir: await mkdtemp(join(tmpdir(), 'lw-ua-proxied-client-')),
      ...settings,
    }),
    { logger, metrics: new GatewayMetrics() },
  );
}
