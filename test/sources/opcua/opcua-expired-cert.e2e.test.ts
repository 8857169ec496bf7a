/**
 * A server whose certificate has expired, though the gateway trusts it: the error says so and what to do (renew it,
 * or check the clock), not the advice for an untrusted certificate (moving it to trusted/, which would change
 * nothing), with the certificate's subject and validity dates.
 */
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimOpcuaServer } from '../../../src/sim/opcua-server.js';
import { logLines } from '../../helpers/log-lines.js';
import { secureSimSource } from '../../helpers/secure-sim-opcua-source.js';

afterEach(() => vi.restoreAllMocks());

describe('OPC UA server with an expired certificate', () => {
  it('is named as expired, with the renewal to do and its validity dates', async () => {
    const serverPki = await mkdtemp(join(tmpdir(), 'lw-ua-expired-server-'));
    const manager = new OPCUACertificateManager({ rootFolder: serverPki });
    await manager.initialize();
    const certificate = join(serverPki, 'own', 'certs', 'certificate.pem');
    await manager.createSelfSignedCertificate({
      subject: '/CN=expired-sim',
      applicationUri: 'urn:linewatch:expired-sim',
      dns: ['localhost'],
      startDate: new Date(Date.now() - 400 * 86_400_000),
      validity: 30,
      outputFile: certificate,
    });
    const server = await startSimOpcuaServer(new LineSimulator({ seed: 5 }), { port: 0, pkiDir: serverPki });
    try {
      const clientPki = await mkdtemp(join(tmpdir(), 'lw-ua-expired-client-'));
      await mkdir(join(clientPki, 'trusted', 'certs'), { recursive: true });
      await copyFile(certificate, join(clientPki, 'trusted', 'certs', 'expired-sim.pem'));
      // node-opcua's own lines go to the source's logger once it connects (opcua-log.ts), to stderr before.
      const log = logLines();
      const source = secureSimSource('old-ua', server.endpointUrl, clientPki, log.logger);
      let stderr = '';
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
      const refused = await source.readOnce().then(
        () => 'read',
        (err: Error) => err.message,
      );
      vi.restoreAllMocks();
      // Its subject and validity dates in the error itself (the certificate is fetched and checked under
      // max_message_bytes, server-certificate.ts, not by node-opcua's fetch, whose W25 lines gave them).
      expect(refused).toMatch(
        /^device old-ua \(opc\.tcp:.*\): the server's certificate \(or its issuer's\) has expired or is not valid yet \(.*BadCertificateTimeInvalid.*: certificate CN=expired-sim.*, valid \d{4}-\d\d-\d\dT[\d:.]+Z → \d{4}-\d\d-\d\dT[\d:.]+Z\): renew it on the server, or check this gateway's clock$/,
      );
      expect(refused).not.toContain('mv ');
      // The base64 dump stays out of either.
      expect(stderr).not.toContain('serverCertificate = ');
      expect(log.lines.filter((l) => l.msg.includes('serverCertificate = '))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
