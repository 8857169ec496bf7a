/**
 * What a trust dialog shows of a certificate (TIA Portal, TwinCAT, UaExpert): subject, issuer, ApplicationUri, SHA-1
 * and SHA-256 fingerprints and dates, read with node:crypto (no node-opcua). One reading for the OPC UA client's trust
 * texts (a server's certificate) and the OPC UA server's (a client's).
 */
import { X509Certificate } from 'node:crypto';
import { certificateUris } from './certificate-uris.js';
import { PEM_FILE_MAX_BYTES, readRegularFileSync } from './regular-file.js';

/** What a trust dialog shows of a certificate. */
export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  /** Issued by itself (its own issuer, signed with its own key): no CA vouches for it. */
  readonly selfSigned: boolean;
  readonly applicationUri: string | undefined;
  readonly sha1: string;
  readonly sha256: string;
  readonly validFrom: string;
  readonly validTo: string;
}

/** The first certificate of a DER chain (a SEQUENCE with its length), or the buffer where it cannot be told. */
export function firstOfChain(der: Buffer): Buffer {
  if (der.length < 2 || der[0] !== 0x30) return der;
  const lengthBytes = der[1] & 0x80 ? der[1] & 0x7f : 0;
  if (lengthBytes > 4 || der.length < 2 + lengthBytes) return der;
  const length = lengthBytes === 0 ? der[1] : der.subarray(2, 2 + lengthBytes).reduce((n, b) => n * 256 + b, 0);
  return der.subarray(0, Math.min(der.length, 2 + lengthBytes + length));
}

/** A certificate's facts, read from its DER or PEM bytes, the first of a DER chain (throws where they are none). */
export function certificateFacts(bytes: Buffer): CertificateFacts {
  const c = new X509Certificate(firstOfChain(bytes));
  const iso = (d: string) => new Date(d).toISOString();
  const name = (n: string) => n.replace(/\n/g, ', ');
  return {
    subject: name(c.subject),
    issuer: name(c.issuer),
    selfSigned: c.issuer === c.subject && c.verify(c.publicKey),
    applicationUri: certificateUris(c)[0],
    sha1: c.fingerprint,
    sha256: c.fingerprint256,
    validFrom: iso(c.validFrom),
    validTo: iso(c.validTo),
  };
}

/** A certificate file's facts (a PEM or DER file, its size bounded). */
export function certificateFileFacts(file: string): CertificateFacts {
  return certificateFacts(readRegularFileSync(file, PEM_FILE_MAX_BYTES));
}
