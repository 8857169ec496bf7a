/**
 * The server's ApplicationUri, and its own certificate made to carry it. node-opcua derives the URI from the host name
 * of each start (urn:<host>:NodeOPCUA-Server) while the certificate made at the first start keeps that start's: a
 * container re-created under another host name then describes itself with a URI its certificate does not carry, which
 * a strict client refuses (node-opcua's W06). The URI is the gateway's instead, the same at every start, and a
 * certificate in the PKI folder that carries another is replaced before node-opcua reads it.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { certificateUris } from '../../core/certificate-uris.js';

/** The server's ApplicationUri: distinct from the gateway's namespace (urn:linewatch:<gateway>), which stays ns=2. */
export const serverApplicationUri = (gateway: string): string => `urn:linewatch:${gateway}:server`;

/** Where node-opcua keeps the server's own certificate in its PKI folder (and makes it when missing). */
export const ownCertificateFile = (pkiDir: string): string => join(pkiDir, 'own', 'certs', 'certificate.pem');

/** A certificate set aside because it carried another ApplicationUri. */
export interface ReplacedCertificate {
  /** The URI it carried (the first; none where it carried none). */
  readonly uri: string | undefined;
  /** Where it was moved: node-opcua makes a new one in its place at this start. */
  readonly movedTo: string;
}

/**
 * Moves the server's certificate aside where it does not carry `uri`, so that node-opcua makes one that does (with the
 * same private key); nothing where there is none yet or it carries `uri`. A certificate that cannot be read fails the
 * start, naming the file.
 */
export async function retireCertificateWithOtherUri(
  pkiDir: string,
  uri: string,
): Promise<ReplacedCertificate | undefined> {
  const file = ownCertificateFile(pkiDir);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let uris: string[];
  try {
    uris = certificateUris(pem);
  } catch (err) {
    throw new Error(
      `storage.opcua_server: the server's certificate ${file} cannot be read (${(err as Error).message}): move it away and the next start makes a new one`,
      { cause: err },
    );
  }
  if (uris.includes(uri)) return undefined;
  const movedTo = `${file}.replaced`;
  await rename(file, movedTo);
  return { uri: uris[0], movedTo };
}
