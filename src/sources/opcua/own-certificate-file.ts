/** Where the gateway's own OPC UA client certificate lives under `pki_dir` (node-opcua's place for a client's). */
import { join } from 'node:path';

/**
 * The gateway's own certificate under `pki_dir`, made at its first connect or by `linewatch opcua-certificate`: the
 * one a server must trust.
 */
export function ownCertificateFile(pkiDir: string): string {
  return join(pkiDir, 'own', 'certs', 'client_certificate.pem');
}
