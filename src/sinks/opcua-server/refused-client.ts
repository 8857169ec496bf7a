/**
 * A client certificate the OPC UA server refused, in words (pure): who the client is (subject, ApplicationUri, SHA-256
 * fingerprint, validity), why it was refused (self-signed or issued by a CA the server does not trust, expired, not
 * valid yet, an ApplicationUri other than the one the client describes itself with; for one a plant's CA issued: a CA
 * whose certificate or CRL the server lacks, revoked), where node-opcua put the file, and the command that trusts it
 * where trusting it would let the client in, or the folders the CA's certificate and CRL go in where trusting the
 * client's own would not (node-opcua checks the chain to the CA and the CA's CRL before the client's own trust).
 * Everything taken from the certificate is shown escaped and cut short; the file's path is the one found in rejected/,
 * the folders the PKI folder's own, never made from the certificate.
 */
import { join } from 'node:path';
import type { CertificateFacts } from '../../core/certificate-facts.js';
import type { SinkRefusedClient } from '../../core/components.js';
import { printable } from '../../core/printable.js';
import { trustCommand, trustedFolder } from '../../core/trust-command.js';

/** Why the client was refused. */
export type RefusalCause =
  | 'self_signed'
  | 'untrusted'
  | 'issuer_unknown'
  | 'revoked'
  | 'revocation_unknown'
  | 'issuer_revocation_unknown'
  | 'issuer_time_invalid'
  | 'expired'
  | 'not_yet_valid'
  | 'uri_mismatch'
  | 'other';

/** Causes where the CA, not the client's own certificate, is what to trust: no mv of the client's. */
const CA_CAUSES: ReadonlySet<RefusalCause> = new Set([
  'issuer_unknown',
  'revoked',
  'revocation_unknown',
  'issuer_revocation_unknown',
  'issuer_time_invalid',
]);

/** What the server saw of a refusal. */
export interface ClientRefusal {
  /** The client's certificate (DER, the first of its chain). */
  readonly certificate: Buffer;
  /** node-opcua's verdict (BadCertificateUntrusted, BadCertificateTimeInvalid, BadCertificateUriInvalid...). */
  readonly status: string;
  /** Where node-opcua put it: a file found in rejected/ by its SHA-1 thumbprint. */
  readonly file?: string;
  /** Why it kept no copy in rejected/ (rejected-store.ts), where it did not. */
  readonly notKept?: string;
  /** The ApplicationUri the client described itself with, where it is not the certificate's (CreateSession). */
  readonly describedUri?: string;
  /** Whether the server holds the certificate of the CA that issued it (issuers/certs/ or trusted/certs/). */
  readonly issuerHeld?: boolean;
  /** An X.509 user token's certificate (the user PKI, `<pki>/users/`), not the client's application certificate. */
  readonly user?: boolean;
}

/** A refused client certificate as the log and /api/status say it. */
export interface RefusedClient extends SinkRefusedClient {
  readonly cause: RefusalCause;
}

/** Characters of a name from a certificate said at most. */
const NAME_CHARS = 200;

/** A name from a certificate, escaped and cut short. */
function said(text: string): string {
  return printable(text.length > NAME_CHARS ? `${text.slice(0, NAME_CHARS)}…` : text);
}

/** Why it was refused, from node-opcua's verdict and the certificate's own dates and issuer. */
export function refusalCause(facts: CertificateFacts, refusal: ClientRefusal, now: number): RefusalCause {
  if (refusal.describedUri !== undefined || refusal.status === 'BadCertificateUriInvalid') return 'uri_mismatch';
  if (Date.parse(facts.validTo) <= now) return 'expired';
  if (Date.parse(facts.validFrom) > now) return 'not_yet_valid';
  if (refusal.status === 'BadCertificateChainIncomplete') return 'issuer_unknown';
  if (refusal.status === 'BadCertificateRevoked') return 'revoked';
  if (refusal.status === 'BadCertificateRevocationUnknown') return 'revocation_unknown';
  if (refusal.status === 'BadCertificateIssuerRevocationUnknown') return 'issuer_revocation_unknown';
  if (refusal.status === 'BadCertificateIssuerTimeInvalid') return 'issuer_time_invalid';
  if (refusal.status === 'BadCertificateUntrusted') return facts.selfSigned ? 'self_signed' : 'untrusted';
  return 'other';
}

/** Where a CA's certificate and CRL go, said once for the causes that need them. */
function caFolders(pkiDir: string): { certs: string; crl: string } {
  return { certs: trustedFolder(pkiDir, 'certs'), crl: trustedFolder(pkiDir, 'crl') };
}

/** node-opcua sees a file put in trusted/ while it runs (tested: the client's next try went through). */
const SEEN = 'node-opcua sees them while it runs';

function causeText(
  cause: RefusalCause,
  facts: CertificateFacts,
  refusal: ClientRefusal,
  uri: string,
  pkiDir: string,
): string {
  const issuer = said(facts.issuer);
  const { certs, crl } = caFolders(pkiDir);
  const party = refusal.user ? 'user' : 'client';
  switch (cause) {
    case 'self_signed':
      return `self-signed (no CA vouches for it) and not in this server's trusted certificates (${refusal.status})`;
    case 'untrusted':
      return refusal.issuerHeld
        ? `issued by ${issuer}, a CA this server holds as an issuer but does not trust (${refusal.status}): trusting this certificate lets this ${party} in; putting the CA's certificate in ${certs} too lets in every ${party} it issues`
        : `issued by ${issuer}, and neither it nor that CA is in this server's trusted certificates (${refusal.status})`;
    case 'issuer_unknown':
      return `issued by ${issuer}, whose certificate this server does not have (${refusal.status}): to let in the ${party}s this CA issues, put its certificate in ${certs} and its CRL in ${crl} (${SEEN}); moving this ${party}'s certificate to ${certs} alone would not let it in: node-opcua checks the chain to the CA first, and puts it back in rejected/ at the next try`;
    case 'revoked':
      return `revoked by ${issuer}: its CRL, in this server's trusted/crl/ or issuers/crl/, lists it (${refusal.status}); trusting it would not let the ${party} in; the ${party} needs a new certificate from its CA`;
    case 'revocation_unknown':
      return refusal.issuerHeld
        ? `issued by ${issuer}, whose CRL this server does not have (${refusal.status}): node-opcua refuses the ${party}s of a CA without its CRL, trusted or not; put the CA's CRL in ${crl} (an empty one where it revoked none; ${SEEN})`
        : `issued by ${issuer}, whose certificate and CRL this server does not have (${refusal.status}; the client sent the CA's certificate with its own, which is not trusted for that): to let in the ${party}s this CA issues, put its certificate in ${certs} and its CRL in ${crl} (${SEEN})`;
    case 'issuer_revocation_unknown':
      return `issued by ${issuer}, a CA issued by another CA whose CRL this server does not have (${refusal.status}): put the CRL of each CA above the ${party} in ${crl} (${SEEN})`;
    case 'issuer_time_invalid':
      return `issued by ${issuer}, a CA whose certificate (or one above it) is expired or not valid yet (${refusal.status}): check this gateway's clock; else the CA needs a new certificate, put in place of the old one in ${certs}`;
    case 'expired':
      return `expired on ${facts.validTo} (${refusal.status}): trusting it would not let the client in; the client needs a new certificate`;
    case 'not_yet_valid':
      return `not valid before ${facts.validFrom} (${refusal.status}): check the clocks of the client and of this gateway`;
    case 'uri_mismatch':
      return `it carries the ApplicationUri ${uri}, but the client describes itself as ${said(refusal.describedUri ?? '(none)')} (BadCertificateUriInvalid): its session is refused even where the certificate is trusted; make a certificate for the client that carries the URI it describes itself with`;
    case 'other':
      return `refused (${refusal.status})`;
  }
}

/** Where the file is, and what to do with it. */
function whereText(cause: RefusalCause, refusal: ClientRefusal, pkiDir: string, command: string | undefined): string {
  if (cause === 'uri_mismatch' || CA_CAUSES.has(cause)) return '';
  if (!refusal.file)
    return refusal.notKept
      ? `; node-opcua kept no copy in rejected/: ${refusal.notKept}`
      : refusal.status === 'BadCertificateTimeInvalid'
        ? `; it is in ${join(pkiDir, 'trusted', 'certs')}/`
        : '; node-opcua wrote no copy of it in rejected/';
  const put = `; it was put in ${refusal.file}`;
  if (!command) return put;
  const when = cause === 'not_yet_valid' ? ', once the clocks agree' : '';
  const next = refusal.user ? "the user's next login" : "the client's next try";
  return `${put}. To trust it${when}: ${command} (node-opcua sees the move while it runs; a restart reads it for sure), and ${next} goes through`;
}

/**
 * The refusal as the log and /api/status say it; `serverPki` is the server's PKI folder (a user certificate's store is
 * its users/ folder).
 */
export function refusedClient(
  facts: CertificateFacts,
  refusal: ClientRefusal,
  serverPki: string,
  now: number,
): RefusedClient {
  const pkiDir = refusal.user ? join(serverPki, 'users') : serverPki;
  const cause = refusalCause(facts, refusal, now);
  const uri = facts.applicationUri === undefined ? '(none)' : said(facts.applicationUri);
  const trusting = cause === 'self_signed' || cause === 'untrusted' || cause === 'not_yet_valid';
  const command = refusal.file && trusting ? trustCommand(refusal.file, pkiDir) : undefined;
  const noUri =
    facts.applicationUri === undefined && cause !== 'uri_mismatch' && !refusal.user
      ? '; it carries no ApplicationUri (an OPC UA client certificate must: its session would be refused)'
      : '';
  const validity = `SHA-256 ${facts.sha256}, valid ${facts.validFrom} → ${facts.validTo}`;
  const who = refusal.user
    ? `X.509 user certificate ${said(facts.subject)} (${validity})`
    : `client certificate ${said(facts.subject)} (ApplicationUri ${uri}, ${validity})`;
  return {
    at: now,
    cause,
    status: refusal.status,
    subject: said(facts.subject),
    applicationUri: facts.applicationUri === undefined ? undefined : uri,
    sha256: facts.sha256,
    validFrom: facts.validFrom,
    validTo: facts.validTo,
    ...(refusal.file ? { file: refusal.file } : {}),
    ...(command ? { trustCommand: command } : {}),
    message: `OPC UA server: refused the ${who}: ${causeText(cause, facts, refusal, uri, pkiDir)}${noUri}${whereText(cause, refusal, pkiDir, command)}`,
  };
}
