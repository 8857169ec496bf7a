/**
 * A SCADA client whose certificate storage.opcua_server does not trust, over real sockets on 127.0.0.1 with
 * node-opcua's own client (SignAndEncrypt, Basic256Sha256, its own certificate): the gateway says once which client
 * it refused (subject, ApplicationUri, SHA-256, dates), why (self-signed, expired, not valid yet, another
 * ApplicationUri than the client describes), where the file went, and the command that trusts it; the same in
 * /api/status's sink entry.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SinkWatch } from '../../../src/runtime/sink-watch.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import type { LogLine } from '../../helpers/log-lines.js';
import { signedServerForFile, signedSession } from './server-sink-fixture.js';

const DAY = 86_400_000;

const server = signedServerForFile('lw-uaserver-refused-');
const pki = () => server.pkiDir;
const rejectedDir = () => join(pki(), 'rejected');
const startServer = () => server.restart();

/** A self-signed client certificate (the clients' one key), valid `days` from `start`: its file and SHA-256. */
async function clientCertificate(name: string, subject: string, uri: string, start?: number, days?: number) {
  const file = await server.clients.make(name, subject, uri, start, days);
  return { file, sha256: new X509Certificate(readFileSync(file)).fingerprint256 };
}

/** A SignAndEncrypt session with `certificateFile` (the clients' one key): 'session' or the error's message. */
const connect = (certificateFile: string, applicationUri: string, describes?: string): Promise<string> =>
  signedSession(server.sink.endpointUrl!, server.clients.manager, {
    certificateFile,
    privateKeyFile: server.clients.privateKeyFile,
    applicationUri,
    describes,
  });

/** The refusal lines said of one certificate. */
const saidOf = (sha256: string): LogLine[] => server.log.lines.filter((l) => l.sha256 === sha256 && l.level === 40);

describe('storage.opcua_server refusing a client certificate', () => {
  it('a self-signed one is said once for three tries: who, why, the file in rejected/ and the mv that lets the client in', async () => {
    const cert = await clientCertificate('scada-1', '/CN=scada-1/O=Acme Water', 'urn:acme:scada-1');
    // /api/status's count before: this test needs none of the others to have run before it.
    const countBefore =
      new SinkWatch(server.sink, undefined, new GatewayMetrics()).status().refusedClients?.certificates ?? 0;
    for (let i = 0; i < 3; i++) expect(await connect(cert.file, 'urn:acme:scada-1')).not.toBe('session');
    const [file] = (await readdir(rejectedDir())).filter((f) => f.startsWith('scada-1['));
    const rejected = join(rejectedDir(), file);
    const trusted = `${join(pki(), 'trusted', 'certs')}/`;
    const lines = saidOf(cert.sha256);
    expect(lines).toHaveLength(1);
    expect(lines[0].msg).toBe(
      `OPC UA server: refused the client certificate O=Acme Water, CN=scada-1 (ApplicationUri urn:acme:scada-1, SHA-256 ${cert.sha256}, valid ${lines[0].validFrom} → ${lines[0].validTo}): self-signed (no CA vouches for it) and not in this server's trusted certificates (BadCertificateUntrusted); it was put in ${rejected}. To trust it: mv '${rejected}' ${trusted} (node-opcua sees the move while it runs; a restart reads it for sure), and the client's next try goes through`,
    );
    expect([lines[0].cause, lines[0].file, lines[0].trustCommand]).toEqual([
      'self_signed',
      rejected,
      `mv '${rejected}' ${trusted}`,
    ]);
    // /api/status's entry for the sink (the gateway's SinkWatch of it).
    const status = new SinkWatch(server.sink, undefined, new GatewayMetrics()).status();
    const shown = status.refusedClients?.recent.find((r) => r.sha256 === cert.sha256);
    expect([status.refusedClients?.certificates, shown?.message, shown?.trustCommand]).toEqual([
      countBefore + 1,
      lines[0].msg,
      lines[0].trustCommand,
    ]);
    execFileSync('sh', ['-c', String(lines[0].trustCommand)]);
    await startServer();
    expect(await connect(cert.file, 'urn:acme:scada-1')).toBe('session');
  });

  it('an expired one is said as expired, with no command: trusting it would not let the client in', async () => {
    const cert = await clientCertificate('old', '/CN=old-hmi', 'urn:acme:old', Date.now() - 40 * DAY, 30);
    expect(await connect(cert.file, 'urn:acme:old')).not.toBe('session');
    const [line] = saidOf(cert.sha256);
    expect([line.cause, line.trustCommand]).toEqual(['expired', undefined]);
    expect(line.msg).toContain(
      `: expired on ${line.validTo} (BadCertificateUntrusted): trusting it would not let the client in; the client needs a new certificate; it was put in ${rejectedDir()}/old-hmi[`,
    );
  });

  it('one not valid yet is said as such: check the clocks, then the command', async () => {
    const cert = await clientCertificate('early', '/CN=early-hmi', 'urn:acme:early', Date.now() + 10 * DAY, 30);
    expect(await connect(cert.file, 'urn:acme:early')).not.toBe('session');
    const [line] = saidOf(cert.sha256);
    expect(line.cause).toBe('not_yet_valid');
    expect(line.msg).toContain(
      `: not valid before ${line.validFrom} (BadCertificateUntrusted): check the clocks of the client and of this gateway; it was put in ${line.file}. To trust it, once the clocks agree: ${line.trustCommand}`,
    );
  });

  it('a trusted one whose ApplicationUri is not the one the client describes: the session refused, both URIs said', async () => {
    const cert = await clientCertificate('mes', '/CN=mes-1', 'urn:acme:mes-1');
    expect(await connect(cert.file, 'urn:acme:mes-1')).not.toBe('session');
    execFileSync('sh', ['-c', String(saidOf(cert.sha256)[0].trustCommand)]);
    await startServer();
    expect(await connect(cert.file, 'urn:acme:mes-1', 'urn:acme:mes-other')).toContain('BadCertificateUriInvalid');
    const line = saidOf(cert.sha256).find((l) => l.cause === 'uri_mismatch')!;
    expect(line.msg).toBe(
      `OPC UA server: refused the client certificate CN=mes-1 (ApplicationUri urn:acme:mes-1, SHA-256 ${cert.sha256}, valid ${line.validFrom} → ${line.validTo}): it carries the ApplicationUri urn:acme:mes-1, but the client describes itself as urn:acme:mes-other (BadCertificateUriInvalid): its session is refused even where the certificate is trusted; make a certificate for the client that carries the URI it describes itself with`,
    );
  });

  it('a common name with ../, / and $(…) names no path: the file stays in rejected/, the command moves it and runs nothing', async () => {
    const cert = await clientCertificate('evil', '/CN=../../$(touch pwned)', 'urn:evil');
    expect(await connect(cert.file, 'urn:evil')).not.toBe('session');
    const [line] = saidOf(cert.sha256);
    expect(dirname(String(line.file))).toBe(rejectedDir());
    execFileSync('sh', ['-c', String(line.trustCommand)], { cwd: server.dir });
    expect(existsSync(join(server.dir, 'pwned'))).toBe(false);
    expect(existsSync(join(pki(), 'trusted', 'certs', String(line.file).slice(rejectedDir().length + 1)))).toBe(true);
  });
});
