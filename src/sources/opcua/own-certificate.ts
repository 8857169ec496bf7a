/**
 * The gateway's own OPC UA client certificate, the one a PLC must trust: made under `pki_dir` when missing, with
 * linewatch's subject (node-opcua's default names its author's organisation, `O=Sterfive, L=Orleans, C=FR`, which a
 * plant's administrator then finds in the PLC's trust list), and the ApplicationUri the client announces
 * (node-opcua's `urn:<host>:linewatch`: a certificate whose URI differs is refused by most servers). An existing
 * certificate is never made again: a gateway in service keeps the one its PLCs trust.
 */
import { existsSync } from 'node:fs';
import { getHostname, makeApplicationUrn, type OPCUACertificateManager } from 'node-opcua';
import { ownCertificateFile } from './own-certificate-file.js';

/** The application name the client announces; its ApplicationUri is made from it and the host name. */
export const CLIENT_APPLICATION_NAME = 'linewatch';

/** The subject of a certificate made here: `/CN=linewatch@<host>/O=linewatch` (CN at most 64 characters). */
export function ownCertificateSubject(hostname: string): string {
  return `/CN=${`${CLIENT_APPLICATION_NAME}@${hostname}`.slice(0, 64).replace(/\//g, '-')}/O=linewatch`;
}

/** Years a certificate made here is valid: node-opcua's own default. */
const VALIDITY_DAYS = 365 * 10;

/**
 * Makes the gateway's certificate under the manager's folder when there is none (the manager initialized), and
 * returns its file and whether it was made now. `onMaking` is told the file first: making the key takes seconds.
 */
export async function ensureOwnCertificate(
  manager: OPCUACertificateManager,
  pkiDir: string,
  onMaking: (file: string) => void = () => undefined,
): Promise<{ file: string; made: boolean }> {
  const file = ownCertificateFile(pkiDir);
  if (existsSync(file)) return { file, made: false };
  onMaking(file);
  const hostname = getHostname();
  await manager.createSelfSignedCertificate({
    applicationUri: makeApplicationUrn(hostname, CLIENT_APPLICATION_NAME),
    dns: [hostname],
    outputFile: file,
    subject: ownCertificateSubject(hostname),
    startDate: new Date(),
    validity: VALIDITY_DAYS,
  });
  return { file, made: true };
}
