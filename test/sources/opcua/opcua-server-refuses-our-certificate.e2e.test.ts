/**
 * A server that does not trust the gateway's certificate (a PLC that does not trust clients at first sight): node-opcua
 * answers `The connection has been rejected by server: BadSecurityChecksFailed`, which names no certificate. The error
 * says it is ours the server does not trust, which file to give its administrator and where it goes there; doing
 * that works.
 */
import { copyFile, mkdir, mkdtemp, readdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimOpcuaServer, type SimOpcuaServer } from '../../../src/sim/opcua-server.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { secureSimSource } from '../../helpers/secure-sim-opcua-source.js';

let server: SimOpcuaServer;
let serverPki: string;
let clientPki: string;

beforeAll(async () => {
  serverPki = await mkdtemp(join(tmpdir(), 'lw-ua-plc-pki-'));
  server = await startSimOpcuaServer(new LineSimulator({ seed: 31 }), {
    port: 0,
    pkiDir: serverPki,
    trustUnknownClients: false,
  });
  // The gateway trusts the server already: only the server's refusal of ours is left.
  clientPki = await mkdtemp(join(tmpdir(), 'lw-ua-gateway-pki-'));
  await mkdir(join(clientPki, 'trusted', 'certs'), { recursive: true });
  await copyFile(join(serverPki, 'own', 'certs', 'certificate.pem'), join(clientPki, 'trusted', 'certs', 'plc.pem'));
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('OPC UA server that does not trust the gateway', () => {
  it("names the gateway's certificate file and where the server's administrator puts it; doing that works", async () => {
    const source = secureSimSource('plc', server.endpointUrl, clientPki, createLogger('silent'));
    const refused = await source.readOnce().then(
      () => 'read',
      (err: Error) => err.message,
    );
    const own = join(clientPki, 'own', 'certs', 'client_certificate.pem');
    expect(refused).toContain(
      `device plc (${server.endpointUrl}): the server does not trust this gateway's certificate ${own} (`,
    );
    expect(refused).toContain('BadSecurityChecksFailed');
    expect(refused).toContain(
      "give that file to the server's administrator to trust (a node-opcua server: from its rejected/ to its trusted/certs/;",
    );
    // The server's administrator does that: the refused certificate is in the server's rejected/.
    const [file] = (await readdir(join(serverPki, 'rejected'))).filter((f) => f.endsWith('.pem'));
    await rename(join(serverPki, 'rejected', file), join(serverPki, 'trusted', 'certs', file));
    // The server's certificate manager notices the moved file by watching its folders.
    await expect
      .poll(
        () =>
          source.readOnce().then(
            (s) => s[0].quality,
            (err: Error) => err.message,
          ),
        { timeout: 20_000, interval: 500 },
      )
      .toBe('good');
  }, 60_000);
});
