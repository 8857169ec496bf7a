/**
 * The server's certificate for a Sign or SignAndEncrypt connection, fetched under the source's bound and checked
 * against the trust lists. Given none, node-opcua's client fetches it itself (GetEndpoints on an unsecured channel)
 * through a client of its own that takes none of the options given to the first: no transportSettings, no
 * transportFactory, so that exchange alone could bring a 64 MiB message, or a chunk of any size (message-bound.ts).
 * Fetched here with the same bounded transport, it is checked as node-opcua checks it there (the certificate
 * manager's checkCertificate: an unknown one goes to rejected/, an expired one fails) and handed to the client
 * (`serverCertificate`), which then fetches nothing and trusts what it is given.
 */
import {
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  type EndpointDescription,
  type OPCUACertificateManager,
} from 'node-opcua';
import { certificateFacts } from '../../core/certificate-facts.js';
import { timeoutOptions } from './request-timeout.js';
import { boundedTransportFactory, type OnRefused } from './bounded-transport.js';
import type { ReceiveLimits } from './message-bound.js';
import { CLIENT_APPLICATION_NAME } from './own-certificate.js';

export interface CertificateQuery {
  readonly endpoint: string;
  readonly securityMode: 'Sign' | 'SignAndEncrypt';
  readonly securityPolicy: string;
  readonly timeoutMs: number;
}

/** The certificate of the endpoint offering `mode` and `policy`, or an error naming what the server offers. */
export function certificateOf(endpoints: readonly EndpointDescription[], q: CertificateQuery): Buffer {
  const mode = MessageSecurityMode[q.securityMode];
  const policyUri = SecurityPolicy[q.securityPolicy as keyof typeof SecurityPolicy];
  const match = endpoints.find((e) => e.securityMode === mode && e.securityPolicyUri === policyUri);
  if (match?.serverCertificate) return match.serverCertificate;
  throw new Error(
    `the server offers no endpoint with security_mode ${q.securityMode} and security_policy ${q.securityPolicy}${match ? ' with a certificate' : ''} (it offers: ${offeredSecurity(endpoints)})`,
  );
}

/** At most this many of a server's security mode and policy pairs are named (its endpoints come from the network). */
const NAMED_OFFERS = 12;

/** The security modes and policies a server's endpoints offer, in words: `None/None, SignAndEncrypt/Basic256Sha256`. */
export function offeredSecurity(endpoints: readonly EndpointDescription[]): string {
  const offered = [
    ...new Set(
      endpoints.map(
        (e) => `${MessageSecurityMode[e.securityMode]}/${(e.securityPolicyUri?.split('#')[1] ?? '?').slice(0, 40)}`,
      ),
    ),
  ];
  const more = offered.length - NAMED_OFFERS;
  return offered.length === 0
    ? 'none'
    : `${offered.slice(0, NAMED_OFFERS).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** Fetches the server's endpoints under `limits` and returns the certificate of the one the query asks for. */
export async function fetchServerCertificate(
  q: CertificateQuery,
  limits: ReceiveLimits,
  certificateManager: OPCUACertificateManager,
  onRefused: OnRefused,
): Promise<Buffer> {
  const discovery = OPCUAClient.create({
    applicationName: CLIENT_APPLICATION_NAME,
    clientName: 'linewatch-endpoints',
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    clientCertificateManager: certificateManager,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 500 },
    ...timeoutOptions(q.timeoutMs),
    transportSettings: limits,
    transportFactory: boundedTransportFactory(limits, onRefused),
  });
  let certificate: Buffer;
  try {
    await discovery.connect(q.endpoint);
    certificate = certificateOf(await discovery.getEndpoints(), q);
  } finally {
    await discovery.disconnect().catch(() => undefined);
  }
  const status = await certificateManager.checkCertificate(certificate);
  // node-opcua's words, which say what failed (BadCertificateUntrusted, BadCertificateTimeInvalid...), and its dates.
  if (!status.isGood())
    throw new Error(`server Certificate verification failed with err ${status.toString()}${validity(certificate)}`);
  return certificate;
}

/** ": certificate <subject>, valid <from> → <to>" (ISO 8601), or nothing where it cannot be read. */
function validity(chain: Buffer): string {
  try {
    const f = certificateFacts(chain);
    return `: certificate ${f.subject}, valid ${f.validFrom} → ${f.validTo}`;
  } catch {
    return '';
  }
}
