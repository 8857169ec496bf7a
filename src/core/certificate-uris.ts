/**
 * The URI entries of an X.509 certificate's subjectAltName (pure): an OPC UA application certificate carries its
 * ApplicationUri there. One reading for the OPC UA client's trust texts and the OPC UA server's own certificate.
 */
import { X509Certificate } from 'node:crypto';

/** The URIs of a certificate (DER or PEM, or one read already), in the order it lists them. */
export function certificateUris(certificate: X509Certificate | Buffer | string): string[] {
  const c = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  return (c.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice('URI:'.length));
}
