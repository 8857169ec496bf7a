/**
 * SCADA clients whose certificates a plant's CA issued (made here with openssl: test/helpers/plant-ca.ts), against
 * storage.opcua_server over real sockets on 127.0.0.1 with node-opcua's own client (SignAndEncrypt, Basic256Sha256):
 * a client of a CA the server trusts, with its CRL, opens a session; a client of a CA the server does not have is
 * refused and the line names the CA and the folders its certificate and CRL go in (trusting the client's own
 * certificate does not help: tried); a revoked client is said revoked; a CA without its CRL is said to lack it; a CA
 * held only as an issuer lets in the client whose own certificate is trusted.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../helpers/log-lines.js';
import { PlantCa, type IssuedCertificate } from '../../helpers/plant-ca.js';
import { signedServerForFile, signedSession } from './server-sink-fixture.js';

/** The plant's CA: its certificate in the server's trusted/certs/, its CRL (revoking `revoked`) in trusted/crl/. */
let plantCa: PlantCa;
let revoked: IssuedCertificate;

const server = signedServerForFile('lw-uaserver-ca-', (dir, pkiDir) => {
  for (const f of ['trusted/certs', 'trusted/crl', 'issuers/certs', 'issuers/crl'])
    mkdirSync(join(pkiDir, f), { recursive: true });
  plantCa = PlantCa.make(join(dir, 'plant-ca'), 'Acme Plant CA');
  revoked = plantCa.issue('hmi-revoked', 'urn:acme:hmi-revoked');
  plantCa.revoke(revoked);
  copyFileSync(plantCa.certificateFile, join(pkiDir, 'trusted', 'certs', 'acme-plant-ca.pem'));
  plantCa.writeCrl(join(pkiDir, 'trusted', 'crl', 'acme-plant-ca.crl'));
});
const folder = (...parts: string[]) => join(server.pkiDir, ...parts);
const startServer = () => server.restart();

/**
 * A new CA `name` and one client it issues, `hmi` (ApplicationUri urn:acme:<hmi>); the CA's certificate put in the
 * server's `certs` folder (trusted or issuers) and its CRL in `crl`'s, where given, and the server started again.
 */
async function caClient(name: string, hmi: string, put: { certs?: string; crl?: string } = {}) {
  const ca = PlantCa.make(join(server.dir, name), name);
  const client = ca.issue(hmi, `urn:acme:${hmi}`);
  if (put.certs) copyFileSync(ca.certificateFile, folder(put.certs, 'certs', `${name}.pem`));
  if (put.crl) ca.writeCrl(folder(put.crl, 'crl', `${name}.crl`));
  if (put.certs || put.crl) await startServer();
  return { ca, client };
}

/** A SignAndEncrypt session with the issued certificate: 'session' or the error's message. */
const connect = (issued: IssuedCertificate, applicationUri: string): Promise<string> =>
  signedSession(server.sink.endpointUrl!, server.clients.manager, { ...issued, applicationUri });

const sha256 = (issued: IssuedCertificate) => new X509Certificate(readFileSync(issued.certificateFile)).fingerprint256;
/** The refusal lines said of one certificate. */
const saidOf = (issued: IssuedCertificate): LogLine[] =>
  server.log.lines.filter((l) => l.sha256 === sha256(issued) && l.level === 40);
/** The head of a refusal line: who the client is, as the log says it. */
const who = (name: string, uri: string, line: LogLine) =>
  `OPC UA server: refused the client certificate CN=${name}, O=Acme (ApplicationUri ${uri}, SHA-256 ${line.sha256}, valid ${line.validFrom} → ${line.validTo})`;

describe('storage.opcua_server and client certificates a plant CA issued', () => {
  it('a client of the trusted CA, with its CRL, opens a session and nothing is said of it', async () => {
    const hmi = plantCa.issue('hmi-1', 'urn:acme:hmi-1');
    expect(await connect(hmi, 'urn:acme:hmi-1')).toBe('session');
    expect(saidOf(hmi)).toEqual([]);
  });

  it('a revoked client is said revoked by its CA, with no command: trusting it would not let it in', async () => {
    expect(await connect(revoked, 'urn:acme:hmi-revoked')).toContain('BadSecurityChecksFailed');
    const [line] = saidOf(revoked);
    expect([line.cause, line.status, line.trustCommand]).toEqual(['revoked', 'BadCertificateRevoked', undefined]);
    expect(line.msg).toBe(
      `${who('hmi-revoked', 'urn:acme:hmi-revoked', line)}: revoked by CN=Acme Plant CA, O=Acme: its CRL, in this server's trusted/crl/ or issuers/crl/, lists it (BadCertificateRevoked); trusting it would not let the client in; the client needs a new certificate from its CA`,
    );
  });

  it('a client of a CA the server does not have: the line names the CA and its folders; the mv of the client alone does not help, the CA and its CRL do', async () => {
    const { ca: otherCa, client: hmi } = await caClient('Other Site CA', 'hmi-2');
    expect(await connect(hmi, 'urn:acme:hmi-2')).toContain('BadSecurityChecksFailed');
    const [line] = saidOf(hmi);
    const certs = `${folder('trusted', 'certs')}/`;
    expect([line.cause, line.status, line.trustCommand]).toEqual([
      'issuer_unknown',
      'BadCertificateChainIncomplete',
      undefined,
    ]);
    expect(line.msg).toBe(
      `${who('hmi-2', 'urn:acme:hmi-2', line)}: issued by CN=Other Site CA, O=Acme, whose certificate this server does not have (BadCertificateChainIncomplete): to let in the clients this CA issues, put its certificate in ${certs} and its CRL in ${folder('trusted', 'crl')}/ (node-opcua sees them while it runs); moving this client's certificate to ${certs} alone would not let it in: node-opcua checks the chain to the CA first, and puts it back in rejected/ at the next try`,
    );
    // What the line says of the client's own certificate: moved to trusted/certs/, it is refused and moved back.
    const file = String(line.file);
    execFileSync('mv', [file, certs]);
    await startServer();
    expect(await connect(hmi, 'urn:acme:hmi-2')).toContain('BadSecurityChecksFailed');
    expect([existsSync(file), existsSync(join(certs, basename(file)))]).toEqual([true, false]);
    // What it says of the CA: its certificate and CRL in the folders named, and the client's next try goes through.
    copyFileSync(otherCa.certificateFile, join(certs, 'other-site-ca.pem'));
    otherCa.writeCrl(folder('trusted', 'crl', 'other-site-ca.crl'));
    await startServer();
    expect(await connect(hmi, 'urn:acme:hmi-2')).toBe('session');
  });

  it('a client of a trusted CA whose CRL the server lacks: the line says the CRL is missing and where it goes', async () => {
    const { ca: lineCa, client: hmi } = await caClient('Line 3 CA', 'hmi-3', { certs: 'trusted' });
    expect(await connect(hmi, 'urn:acme:hmi-3')).toContain('BadCertificateRevocationUnknown');
    const [line] = saidOf(hmi);
    expect([line.cause, line.trustCommand]).toEqual(['revocation_unknown', undefined]);
    expect(line.msg).toBe(
      `${who('hmi-3', 'urn:acme:hmi-3', line)}: issued by CN=Line 3 CA, O=Acme, whose CRL this server does not have (BadCertificateRevocationUnknown): node-opcua refuses the clients of a CA without its CRL, trusted or not; put the CA's CRL in ${folder('trusted', 'crl')}/ (an empty one where it revoked none; node-opcua sees them while it runs)`,
    );
    lineCa.writeCrl(folder('trusted', 'crl', 'line-3-ca.crl'));
    await startServer();
    expect(await connect(hmi, 'urn:acme:hmi-3')).toBe('session');
  });

  it('a client that sends its unknown CA with its own certificate: the CA and its CRL are said missing', async () => {
    const { ca: chainCa, client: hmi } = await caClient('Chain CA', 'hmi-4');
    const chain = { ...hmi, certificateFile: join(server.dir, 'hmi-4-chain.pem') };
    writeFileSync(
      chain.certificateFile,
      readFileSync(hmi.certificateFile, 'utf8') + readFileSync(chainCa.certificateFile, 'utf8'),
    );
    expect(await connect(chain, 'urn:acme:hmi-4')).toContain('BadCertificateRevocationUnknown');
    const [line] = saidOf(hmi);
    expect(line.msg).toBe(
      `${who('hmi-4', 'urn:acme:hmi-4', line)}: issued by CN=Chain CA, O=Acme, whose certificate and CRL this server does not have (BadCertificateRevocationUnknown; the client sent the CA's certificate with its own, which is not trusted for that): to let in the clients this CA issues, put its certificate in ${folder('trusted', 'certs')}/ and its CRL in ${folder('trusted', 'crl')}/ (node-opcua sees them while it runs)`,
    );
  });

  it('a client of a CA held as an issuer only (issuers/, with its CRL): said held, not trusted; the mv of the client lets it in', async () => {
    const { client: hmi } = await caClient('Issuer Only CA', 'hmi-5', { certs: 'issuers', crl: 'issuers' });
    expect(await connect(hmi, 'urn:acme:hmi-5')).toContain('BadSecurityChecksFailed');
    const [line] = saidOf(hmi);
    expect(line.cause).toBe('untrusted');
    expect(line.msg).toBe(
      `${who('hmi-5', 'urn:acme:hmi-5', line)}: issued by CN=Issuer Only CA, O=Acme, a CA this server holds as an issuer but does not trust (BadCertificateUntrusted): trusting this certificate lets this client in; putting the CA's certificate in ${folder('trusted', 'certs')}/ too lets in every client it issues; it was put in ${String(line.file)}. To trust it: ${String(line.trustCommand)} (node-opcua sees the move while it runs; a restart reads it for sure), and the client's next try goes through`,
    );
    execFileSync('sh', ['-c', String(line.trustCommand)]);
    await startServer();
    expect(await connect(hmi, 'urn:acme:hmi-5')).toBe('session');
  });

  it("a client of an intermediate CA whose root CA's CRL the server lacks: the line asks for the CRL of each CA above it", async () => {
    const root = PlantCa.make(join(server.dir, 'root-ca'), 'Acme Root CA');
    const line4 = root.issueCa(join(server.dir, 'line-4-ca'), 'Line 4 CA');
    const hmi = line4.issue('hmi-6', 'urn:acme:hmi-6');
    copyFileSync(root.certificateFile, folder('trusted', 'certs', 'acme-root-ca.pem'));
    copyFileSync(line4.certificateFile, folder('trusted', 'certs', 'line-4-ca.pem'));
    line4.writeCrl(folder('trusted', 'crl', 'line-4-ca.crl'));
    await startServer();
    expect(await connect(hmi, 'urn:acme:hmi-6')).toContain('BadCertificateIssuerRevocationUnknown');
    const [line] = saidOf(hmi);
    expect([line.cause, line.trustCommand]).toEqual(['issuer_revocation_unknown', undefined]);
    expect(line.msg).toBe(
      `${who('hmi-6', 'urn:acme:hmi-6', line)}: issued by CN=Line 4 CA, O=Acme, a CA issued by another CA whose CRL this server does not have (BadCertificateIssuerRevocationUnknown): put the CRL of each CA above the client in ${folder('trusted', 'crl')}/ (node-opcua sees them while it runs)`,
    );
    root.writeCrl(folder('trusted', 'crl', 'acme-root-ca.crl'));
    await startServer();
    expect(await connect(hmi, 'urn:acme:hmi-6')).toBe('session');
  });
});
