/**
 * An endpoint whose port an HTTP server holds (a port mixed up with a web interface's): node-opcua's transport refuses
 * the HTTP server's answer to its hello as a chunk over the limits ("HTTP/1.1" reads as 825,110,831 bytes) and the
 * connect failed as "no answer within timeout_ms"; read as a message over max_message_bytes, it would advise raising
 * that. The far end answered before any ACK: it is said not to answer as an OPC UA server, naming the port to check.
 * A real HTTP server on a free port.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

let http: Server | undefined;
afterEach(async () => {
  http?.closeAllConnections();
  await new Promise((resolve) => http?.close(resolve) ?? resolve(undefined));
  http = undefined;
});

/** A real HTTP server on a free port of 127.0.0.1, counting the connections it accepts; its endpoint URL. */
async function httpServer(): Promise<{ endpoint: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((_, res) => res.end('a web interface'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  http = server;
  const endpoint = `opc.tcp://127.0.0.1:${(server.address() as AddressInfo).port}/UA/plc`;
  return { endpoint, connections: () => connections };
}

async function sourceOf(endpoint: string, securityMode: string, logger = logLines('info').logger) {
  const metrics = new GatewayMetrics();
  const config = opcuaSourceSchema.parse({
    name: 'ua',
    type: 'opcua',
    endpoint,
    asset: 'pump-1',
    security_mode: securityMode,
    pki_dir: await mkdtemp(join(tmpdir(), 'lw-ua-not-opcua-')),
    timeout_ms: 5000,
    nodes: [{ channel: 'flow', node_id: 'ns=1;s=flow' }],
  });
  return { source: new OpcuaSource(config, { logger, metrics }), metrics };
}

const said = (endpoint: string) =>
  `device ua (${endpoint}): does not answer as an OPC UA server (its answer to the client's hello is no OPC UA acknowledge: a chunk of 825110831 bytes): check the port: another service (HTTP, ...) may listen there`;

describe('an HTTP server at the endpoint', () => {
  it.each(['None', 'SignAndEncrypt'])(
    'security_mode %s: run --once says it does not answer as an OPC UA server, not max_message_bytes',
    async (mode) => {
      const { endpoint, connections } = await httpServer();
      const { source } = await sourceOf(endpoint, mode);
      await expect(source.readOnce()).rejects.toThrow(said(endpoint));
      expect(connections()).toBeGreaterThan(0);
    },
    30_000,
  );

  it('the running source logs it once, counts it as a connection error (not too_large), and says it in lastError', async () => {
    const { endpoint } = await httpServer();
    const log = logLines('info');
    const { source, metrics } = await sourceOf(endpoint, 'None', log.logger);
    await source.start(() => undefined);
    try {
      const line = await log.next(/; rebuilding the connection$/);
      expect(line.msg).toBe(`${said(endpoint)}; rebuilding the connection`);
      expect(source.connectionState().lastError).toBe(said(endpoint));
      const kinds = (await metrics.sourceErrors.get()).values.map((v) => `${v.labels.kind}=${v.value}`);
      expect(kinds).toEqual(['connection=1']);
    } finally {
      await source.stop();
    }
  }, 30_000);
});
