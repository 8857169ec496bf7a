/**
 * A server certificate refused where a different one was trusted before for the same server: how a replaced or
 * re-flashed PLC looks, and how a man-in-the-middle does. Told from what the PKI already holds, no state file: a
 * certificate in `trusted/certs/` with the same ApplicationUri (or, where a certificate names none, the same subject)
 * as the refused one, and another SHA-1 fingerprint.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { certificateFileFacts, type CertificateFacts } from '../../core/certificate-facts.js';

/** At most this many trusted certificates are read (the folder is the administrator's, not the network's). */
const TRUSTED_READ = 1000;

/** The same server: the same ApplicationUri, or the same subject where either names no URI. */
function sameServer(a: CertificateFacts, b: CertificateFacts): boolean {
  return a.applicationUri !== undefined && b.applicationUri !== undefined
    ? a.applicationUri === b.applicationUri
    : a.subject === b.subject;
}

/** The trusted certificates of the server that `refused` claims to be, other than it: file names and facts. */
export function previouslyTrusted(
  pkiDir: string,
  refused: CertificateFacts,
): { file: string; facts: CertificateFacts }[] {
  const dir = join(pkiDir, 'trusted', 'certs');
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => /\.(pem|der)$/.test(f))
      .slice(0, TRUSTED_READ);
  } catch {
    return [];
  }
  const found: { file: string; facts: CertificateFacts }[] = [];
  for (const name of names) {
    try {
      const facts = certificateFileFacts(join(dir, name));
      if (facts.sha1 !== refused.sha1 && sameServer(facts, refused)) found.push({ file: join(dir, name), facts });
    } catch {
      // not a certificate: not this server's
    }
  }
  return found;
}

const said = (f: CertificateFacts) => `SHA-1 ${f.sha1}, valid ${f.validFrom} → ${f.validTo}`;

/**
 * What to say about a refused certificate file when another was trusted for the same server, or undefined: both
 * certificates' fingerprints and dates, and to check on the server itself before trusting the new one.
 */
export function certificateChangeText(pkiDir: string, refusedFile: string): string | undefined {
  let refused: CertificateFacts;
  try {
    refused = certificateFileFacts(refusedFile);
  } catch {
    return undefined;
  }
  const before = previouslyTrusted(pkiDir, refused);
  if (before.length === 0) return undefined;
  const who = refused.applicationUri ?? refused.subject;
  return (
    `THE SERVER'S CERTIFICATE CHANGED: ${before.map((b) => `${b.file} (${said(b.facts)})`).join('; ')} ` +
    `${before.length === 1 ? 'was' : 'were'} trusted for ${who}, and it now presents another (${said(refused)}). ` +
    `A replaced or re-flashed PLC, a renewed certificate, or someone between this gateway and the server: check the ` +
    `fingerprint on the server itself (its web page or engineering tool) before trusting the new one, then remove ` +
    `the old one from trusted/certs/`
  );
}
