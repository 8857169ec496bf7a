/**
 * What a trust dialog shows of a certificate (TIA Portal, TwinCAT, UaExpert): subject, ApplicationUri, SHA-1 and
 * SHA-256 fingerprints and dates, read with node:crypto (no node-opcua: the source's error texts use it).
 */
import { X509Certificate } from 'node:crypto';
import { certificateUris } from '../../core/certificate-uris.js';
import { PEM_FILE_MAX_BYTES, readRegularFileSync } from '../../core/regular-file.js';

/** What a trust dialog shows of a certificate. */
export interface CertificateFacts {
  readonly subject: string;
  readonly applicationUri: string | undefined;
  readonly sha1: string;
  readonly sha256: string;
  readonly validFrom: string;
  readonly validTo: string;
}

/** A certificate's facts, read from its DER or PEM bytes (throws where they are no certificate). */
export function certificateFacts(bytes: Buffer): CertificateFacts {
  const c = new X509Certificate(bytes);
  const iso = (d: string) => new Date(d).toISOString();
  return {
    subject: c.subject.replace(/\n/g, ', '),
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
