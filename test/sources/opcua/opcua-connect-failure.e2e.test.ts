/**
 * A connect that fails says why in words, over real sockets: the endpoint, the security it asked for, and the likely
 * cause (refused, a host name that does not resolve, a server that does not answer, no endpoint with that security),
 * where node-opcua's own message said "The connection may have been rejected by server" with the cause on a later line.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { freePort } from '../../../src/core/free-port.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

let secureOnly: OPCUAServer;
let secureEndpoint: string;
/** Fault injection: a TCP server that accepts and never answers (no OPC UA server keeps silent on purpose). */
let silent: Server;
let silentPort: number;

beforeAll(async () => {
  const port = await freePort();
  secureOnly = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    resourcePath: '/UA/secure-only',
    securityModes: [MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.Basic256Sha256],
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: mkdtempSync(join(tmpdir(), 'lw-connect-failure-server-pki-')),
      automaticallyAcceptUnknownCertificate: true,
    }),
  });
  await secureOnly.initialize();
  await secureOnly.start();
  secureEndpoint = `opc.tcp://127.0.0.1:${port}/UA/secure-only`;
  silentPort = await freePort();
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  silent?.close();
  await secureOnly?.shutdown(0);
});

function failure(endpoint: string, extra: Record<string, unknown> = {}): Promise<string> {
  const config = opcuaSourceSchema.parse({
    name: 'press-ua',
    type: 'opcua',
    endpoint,
    asset: 'press',
    timeout_ms: 500,
    pki_dir: mkdtempSync(join(tmpdir(), 'lw-connect-failure-client-pki-')),
    nodes: [{ channel: 'force', node_id: 'ns=1;s=force' }],
    ...extra,
  });
  return new OpcuaSource(config, { logger: createLogger('silent'), metrics: new GatewayMetrics() }).readOnce().then(
    () => 'connected',
    (err: Error) => err.message,
  );
}

describe('OPC UA connect failures', () => {
  it('refused: the socket error and what it means, with the security asked for', async () => {
    const port = await freePort();
    const endpoint = `opc.tcp://127.0.0.1:${port}/UA/press`;
    expect(await failure(endpoint)).toBe(
      `device press-ua (${endpoint}): cannot connect (security_mode None, security_policy None): connect ECONNREFUSED 127.0.0.1:${port} (connection refused, nothing listens at that address and port: check port, and that the device serves OPC UA)`,
    );
  }, 30_000);

  it('a host name that does not resolve', async () => {
    const endpoint = 'opc.tcp://press-7.invalid:4840/UA/press';
    expect(await failure(endpoint, { security_mode: 'Sign' })).toBe(
      `device press-ua (${endpoint}): cannot connect (security_mode Sign, security_policy Basic256Sha256): getaddrinfo ENOTFOUND press-7.invalid (the host name does not resolve in DNS: check host, or give the IP address)`,
    );
  }, 30_000);

  it('a server that does not answer: timeout_ms named', async () => {
    const endpoint = `opc.tcp://127.0.0.1:${silentPort}/UA/press`;
    expect(await failure(endpoint)).toBe(
      `device press-ua (${endpoint}): cannot connect (security_mode None, security_policy None): no answer within timeout_ms (500 ms): check host and port, any firewall between, and that the server serves OPC UA at that port`,
    );
  }, 30_000);

  it('no endpoint with the security asked for', async () => {
    expect(await failure(secureEndpoint)).toBe(
      `device press-ua (${secureEndpoint}): the server offers no endpoint with security_mode None, security_policy None at this URL (it offers: SignAndEncrypt/Basic256Sha256): set security_mode and security_policy to one it offers, or check the endpoint's path`,
    );
  }, 30_000);
});
