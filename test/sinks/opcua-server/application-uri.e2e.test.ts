/**
 * The OPC UA server's ApplicationUri (application-uri.ts), with the sink started over real sockets on 127.0.0.1 and
 * read by a node-opcua client: the same at two starts under different host names (a container re-created), carried by
 * the server's certificate; a certificate made with node-opcua's host-name URI is replaced at the next start, said in
 * one log line; the gateway's variables stay at ns=2.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, OPCUACertificateManager, OPCUAClient } from 'node-opcua';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../src/core/free-port.js';
import { certificateUris } from '../../../src/core/certificate-uris.js';
import { ownCertificateFile, retireCertificateWithOtherUri } from '../../../src/sinks/opcua-server/application-uri.js';
import type { OpcuaServerSink } from '../../../src/sinks/opcua-server/opcua-server-sink.js';
import { logLines, type LogLines } from '../../helpers/log-lines.js';
import { openUaSession } from '../../helpers/ua-client.js';
import { pumpServerSink } from './server-sink-fixture.js';

const URI = 'urn:linewatch:gw-test:server';
const OLD_URI = 'urn:3f2a9c1d0b7e:NodeOPCUA-Server';
const USER = { userName: 'mes', password: 'mes-password-1' };
const REPLACED = /its certificate carried the ApplicationUri/;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-uaserver-uri-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** Starts the sink on host name `host` (as node-opcua reads it), its PKI in dir/pki. */
async function startOn(host: string, log: LogLines): Promise<OpcuaServerSink> {
  vi.spyOn(os, 'hostname').mockReturnValue(host);
  const sink = pumpServerSink(
    { port: await freePort(), security_modes: ['None'], users: [{ username: USER.userName, password: USER.password }] },
    join(dir, 'pki'),
    log.logger,
  );
  await sink.start();
  return sink;
}

/** The ApplicationUri the server describes itself with in its endpoints (what a client checks the certificate by). */
async function describedUri(endpointUrl: string): Promise<string | null> {
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await client.connect(endpointUrl);
  try {
    return (await client.getEndpoints())[0]!.server.applicationUri;
  } finally {
    await client.disconnect();
  }
}

const certificate = () => readFile(ownCertificateFile(join(dir, 'pki')), 'utf8');

describe('the OPC UA server ApplicationUri', () => {
  it('is the same at two starts under different host names, and its certificate carries it unchanged', async () => {
    const log = logLines();
    const first = await startOn('plant-box-a', log);
    let firstCertificate: string;
    try {
      expect(await describedUri(first.endpointUrl!)).toBe(URI);
      firstCertificate = await certificate();
      expect(certificateUris(firstCertificate)).toEqual([URI]);
    } finally {
      await first.close();
    }
    const second = await startOn('3f2a9c1d0b7e', log);
    try {
      expect(await describedUri(second.endpointUrl!)).toBe(URI);
      expect(await certificate()).toBe(firstCertificate);
      const ua = await openUaSession(second.endpointUrl!, 'urn:linewatch:gw-test', USER);
      try {
        // The server's own namespace (1) is the ApplicationUri's; the gateway's variables stay at 2.
        expect(ua.ns).toBe(2);
        const name = await ua.session.read({
          nodeId: 'ns=2;s=pump-1/Anomaly/Score',
          attributeId: AttributeIds.BrowseName,
        });
        expect(name.value.value.toString()).toBe('2:Score');
      } finally {
        await ua.close();
      }
    } finally {
      await second.close();
    }
    expect(log.lines.map((l) => l.msg).filter((m) => REPLACED.test(m))).toEqual([]);
  }, 120_000);

  it('replaces a certificate made with the host-name URI, saying so once', async () => {
    const pki = join(dir, 'pki');
    const manager = new OPCUACertificateManager({ rootFolder: pki });
    await manager.initialize();
    await manager.createSelfSignedCertificate({
      applicationUri: OLD_URI,
      subject: '/CN=NodeOPCUA-Server',
      dns: ['3f2a9c1d0b7e'],
      startDate: new Date(),
      validity: 365,
      outputFile: ownCertificateFile(pki),
    });
    await manager.dispose();
    const log = logLines();
    const sink = await startOn('vm', log);
    try {
      expect(await describedUri(sink.endpointUrl!)).toBe(URI);
      expect(certificateUris(await certificate())).toEqual([URI]);
      const said = log.lines.filter((l) => REPLACED.test(l.msg));
      expect(said.map((l) => [l.level, l.msg])).toEqual([
        [
          40,
          `OPC UA server: its certificate carried the ApplicationUri ${OLD_URI}, not ${URI}: a new one is made (the old one moved to ${ownCertificateFile(pki)}.replaced); clients that trusted the old certificate must trust the new one`,
        ],
      ]);
      expect(certificateUris(await readFile(`${ownCertificateFile(pki)}.replaced`, 'utf8'))).toEqual([OLD_URI]);
    } finally {
      await sink.close();
    }
  }, 120_000);

  it('fails the start naming the certificate file where it cannot be read', async () => {
    const pki = join(dir, 'pki');
    await mkdir(join(pki, 'own', 'certs'), { recursive: true });
    await writeFile(
      ownCertificateFile(pki),
      '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n',
    );
    await expect(retireCertificateWithOtherUri(pki, URI)).rejects.toThrow(
      `storage.opcua_server: the server's certificate ${ownCertificateFile(pki)} cannot be read (`,
    );
  });
});
