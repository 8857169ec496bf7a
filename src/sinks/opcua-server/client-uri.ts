/**
 * A CreateSession whose client certificate carries another ApplicationUri than the client describes itself with
 * (pure). node-opcua refuses that session (BadCertificateUriInvalid: the URI a certificate carries is what makes a
 * client that client) with its own error lines only, which name neither the client nor what to change; the server
 * reads the request as its endpoint decodes it, the same comparison as node-opcua's (the certificate's first URI, and
 * the description's URI, none read as empty). Only types come from node-opcua.
 */
import type { CreateSessionRequest } from 'node-opcua';
import { firstOfChain } from '../../core/certificate-facts.js';
import { certificateUris } from '../../core/certificate-uris.js';
import type { ClientRefusal } from './refused-client.js';

/** The refusal node-opcua will answer to `request`, where it is a CreateSession with a mismatched URI. */
export function clientUriMismatch(request: object): ClientRefusal | undefined {
  const { clientDescription, clientCertificate } = request as Partial<CreateSessionRequest>;
  if (!clientDescription || !clientCertificate || clientCertificate.length === 0) return undefined;
  const certificate = firstOfChain(clientCertificate);
  let carried: string | undefined;
  try {
    carried = certificateUris(certificate)[0];
  } catch {
    return undefined; // not a certificate: node-opcua refuses the channel before this
  }
  const described = clientDescription.applicationUri ?? '';
  if (carried === described) return undefined;
  return { certificate, status: 'BadCertificateUriInvalid', describedUri: described };
}
