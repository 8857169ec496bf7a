/**
 * X.509 user tokens on storage.opcua_server, over real sockets on 127.0.0.1 with node-opcua's own client
 * (SignAndEncrypt; the client's application certificate issued by a CA the server trusts): node-opcua offers them on
 * every endpoint and checks the user's certificate against the user PKI, `<pki>/users/`, which trusts none at first.
 * A refused user certificate is said as a client's is (who, why, the file in users/rejected/, the mv into
 * users/trusted/certs/ or the folders of its CA); once trusted, the user opens a session.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserTokenType, type UserIdentityInfo } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../helpers/log-lines.js';
import { PlantCa, type IssuedCertificate } from '../../helpers/plant-ca.js';
import { signedServerForFile, signedSession } from './server-sink-fixture.js';

/** The plant's CA: trusted (with its CRL) for application certificates, not for users. */
let plantCa: PlantCa;
/** The SCADA's application certificate, issued by plantCa. */
let scada: IssuedCertificate;

const server = signedServerForFile('lw-uaserver-x509-user-', (dir, pkiDir) => {
  for (const f of ['trusted/certs', 'trusted/crl']) mkdirSync(join(pkiDir, f), { recursive: true });
  plantCa = PlantCa.make(join(dir, 'plant-ca'), 'Acme Plant CA');
  scada = plantCa.issue('scada-app', 'urn:acme:scada-app');
  copyFileSync(plantCa.certificateFile, join(pkiDir, 'trusted', 'certs', 'acme-plant-ca.pem'));
  plantCa.writeCrl(join(pkiDir, 'trusted', 'crl', 'acme-plant-ca.crl'));
});
const users = (...parts: string[]) => join(server.pkiDir, 'users', ...parts);

/** The SCADA's session, logging in with the user certificate `file` and its key. */
const loginAs = (certificateFile: string, privateKeyFile: string): Promise<string> => {
  const identity: UserIdentityInfo = {
    type: UserTokenType.Certificate,
    certificateData: new X509Certificate(readFileSync(certificateFile)).raw,
    privateKey: readFileSync(privateKeyFile, 'utf8') as never,
  };
  return signedSession(server.sink.endpointUrl!, server.clients.manager, {
    ...scada,
    applicationUri: 'urn:acme:scada-app',
    identity,
  });
};

const saidOf = (certificateFile: string): LogLine[] => {
  const sha256 = new X509Certificate(readFileSync(certificateFile)).fingerprint256;
  return server.log.lines.filter((l) => l.sha256 === sha256 && l.level === 40);
};

describe('storage.opcua_server and X.509 user tokens', () => {
  it('a self-signed user certificate is refused and said once, with the mv into users/trusted/certs/ that lets it in', async () => {
    const file = await server.clients.make('operator-7', '/CN=operator-7/O=Acme', 'urn:acme:operator-7');
    const key = server.clients.privateKeyFile;
    expect(await loginAs(file, key)).toContain('BadIdentityTokenRejected');
    expect(await loginAs(file, key)).toContain('BadIdentityTokenRejected');
    const lines = saidOf(file);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    const rejected = String(line.file);
    expect([line.cause, line.trustCommand]).toEqual(['self_signed', `mv '${rejected}' ${users('trusted', 'certs')}/`]);
    expect(line.msg).toBe(
      `OPC UA server: refused the X.509 user certificate O=Acme, CN=operator-7 (SHA-256 ${line.sha256}, valid ${line.validFrom} → ${line.validTo}): self-signed (no CA vouches for it) and not in this server's trusted certificates (BadCertificateUntrusted); it was put in ${rejected}. To trust it: ${String(line.trustCommand)} (node-opcua sees the move while it runs; a restart reads it for sure), and the user's next login goes through`,
    );
    expect(rejected.startsWith(`${users('rejected')}/operator-7[`)).toBe(true);
    execFileSync('sh', ['-c', String(line.trustCommand)]);
    await server.restart();
    expect(await loginAs(file, key)).toBe('session');
  });

  it('a user certificate issued by a CA trusted for applications only: the CA and its CRL go in users/trusted/', async () => {
    const operator = plantCa.issue('operator-9', 'urn:acme:operator-9');
    expect(await loginAs(operator.certificateFile, operator.privateKeyFile)).toContain('BadIdentityTokenRejected');
    const [line] = saidOf(operator.certificateFile);
    expect([line.cause, line.trustCommand]).toEqual(['issuer_unknown', undefined]);
    expect(line.msg).toContain(
      `: issued by CN=Acme Plant CA, O=Acme, whose certificate this server does not have (BadCertificateChainIncomplete): to let in the users this CA issues, put its certificate in ${users('trusted', 'certs')}/ and its CRL in ${users('trusted', 'crl')}/ (node-opcua sees them while it runs); moving this user's certificate to ${users('trusted', 'certs')}/ alone would not let it in`,
    );
    mkdirSync(users('trusted', 'crl'), { recursive: true });
    copyFileSync(plantCa.certificateFile, users('trusted', 'certs', 'acme-plant-ca.pem'));
    plantCa.writeCrl(users('trusted', 'crl', 'acme-plant-ca.crl'));
    await server.restart();
    expect(await loginAs(operator.certificateFile, operator.privateKeyFile)).toBe('session');
  });
});
