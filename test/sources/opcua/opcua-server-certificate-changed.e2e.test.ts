/**
 * A PLC whose certificate changed (re-flashed, replaced, or someone between) is not a first connect: the refusal says
 * that another certificate was trusted for this server (same ApplicationUri), with both fingerprints and dates, read
 * from the PKI's trusted/certs/ alone. Real node-opcua servers over real sockets: the simulator's, trusted once, then
 * another with a certificate of its own in its place. The gateway's own certificate, made at the first connect,
 * carries linewatch's subject, not node-opcua's author's.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimOpcuaServer, type SimOpcuaServer } from '../../../src/sim/opcua-server.js';
import type { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { secureSimSource } from '../../helpers/secure-sim-opcua-source.js';

let server: SimOpcuaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const startServer = () =>
  startSimOpcuaServer(new LineSimulator({ seed: 5 }), {
    port: 0,
    pkiDir: mkdtempSync(join(tmpdir(), 'lw-ua-plc-pki-')),
  });

const source = (endpoint: string, pkiDir: string) =>
  secureSimSource('s7-pump', endpoint, pkiDir, createLogger('silent'));

const refusal = (s: OpcuaSource) =>
  s.readOnce().then(
    () => 'read',
    (err: Error) => err.message,
  );

/** The SHA-1 fingerprint of the only certificate in `dir`. */
function onlyFingerprint(dir: string): { file: string; sha1: string } {
  const [name] = readdirSync(dir).filter((f) => f.endsWith('.pem'));
  return { file: join(dir, name), sha1: new X509Certificate(readFileSync(join(dir, name))).fingerprint };
}

describe('OPC UA: a server certificate that changed', () => {
  it('is refused as a change, naming the certificate trusted before and the new one; a first connect is not', async () => {
    const pkiDir = mkdtempSync(join(tmpdir(), 'lw-ua-gw-pki-'));
    server = await startServer();
    const first = await refusal(source(server.endpointUrl, pkiDir));
    expect(first).toMatch(/: the server's certificate .* is not trusted \(.*BadCertificateUntrusted/);
    expect(first).not.toContain('CHANGED');
    const old = onlyFingerprint(join(pkiDir, 'rejected'));
    const trustedFile = join(pkiDir, 'trusted', 'certs', old.file.split('/').pop()!);
    await rename(old.file, trustedFile);
    expect(await refusal(source(server.endpointUrl, pkiDir))).toBe('read');
    const own = new X509Certificate(readFileSync(join(pkiDir, 'own', 'certs', 'client_certificate.pem')));
    expect(own.subject.split('\n').sort()).toEqual([expect.stringMatching(/^CN=linewatch@/), 'O=linewatch']);
    await server.close();

    server = await startServer();
    const changed = await refusal(source(server.endpointUrl, pkiDir));
    const now = onlyFingerprint(join(pkiDir, 'rejected'));
    expect(now.sha1).not.toBe(old.sha1);
    expect(changed).toContain(
      `device s7-pump (${server.endpointUrl}): THE SERVER'S CERTIFICATE CHANGED: ${trustedFile} (SHA-1 ${old.sha1}, valid `,
    );
    expect(changed).toMatch(
      new RegExp(
        `was trusted for urn:\\S+, and it now presents another \\(SHA-1 ${now.sha1}, valid \\d{4}-\\S+ → \\d{4}-\\S+\\)\\.`,
      ),
    );
    expect(changed).toContain(
      `The new certificate is not trusted (server Certificate verification failed with err BadCertificateUntrusted`,
    );
    expect(changed).toContain(`To trust it, once checked: mv '${now.file}' ${join(pkiDir, 'trusted', 'certs')}/`);
  }, 90_000);
});
