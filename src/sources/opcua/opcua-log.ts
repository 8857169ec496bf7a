/**
 * Where node-opcua's own warnings and errors go, for the client and the simulator's server alike. node-opcua prints
 * them with console.log, onto stdout, where `run --once` prints its samples as JSON lines and the daemon its log:
 * they go to stderr instead, marked as node-opcua's.
 *
 * Two are dropped, as they only worry or flood whoever reads the log:
 * - NODE-OPCUA-W27, printed at every start on Node 20, says RSA PKCS#1 v1.5 decryption needs
 *   `--security-revert=CVE-2023-46809`. Only the Basic128Rsa15 policy encrypts with PKCS#1 v1.5, and neither the
 *   client's configuration nor the simulator offers it (Basic256Sha256 and the Aes policies use OAEP or PSS).
 * - A server certificate that fails the check: node-opcua prints it whole in base64 (always dropped), then
 *   NODE-OPCUA-W25 with a dozen indented lines on its chain. Where it is merely not trusted yet
 *   (BadCertificateUntrusted), the source's own error says the same in one line: which certificate, the file it was
 *   put in, and the command that trusts it (`untrustedAdvice`), so W25 goes too; for any other failure (expired, an
 *   issuer missing) its chain, issuers and validity dates stay in the log. (The OPC UA source fetches and checks the
 *   server's certificate itself, server-certificate.ts, its error naming the dates: W25 comes from node-opcua's own
 *   fetch only, which the source's client makes on a retry after BadCertificateInvalid.)
 */
import { setErrorLogger, setWarningLogger } from 'node-opcua';
import { format } from 'node:util';

/** The start of node-opcua's warnings that are dropped (W27 comes as two messages). */
const DROPPED = ['[NODE-OPCUA-W27]', '  you need to use node flag --security-revert', 'serverCertificate = '];

/** W25 is dropped only where the certificate is merely untrusted. */
const untrustedW25 = (text: string) => text.startsWith('[NODE-OPCUA-W25]') && text.includes('BadCertificateUntrusted');

/** How a dropped warning's continuation lines start (W25's certificate chain, indented 17 spaces). */
const CONTINUATION = ' '.repeat(17);

/**
 * Whether a warning is left out, given whether the one before it was: one of DROPPED, or an indented continuation
 * of a dropped one.
 */
export function dropsWarning(text: string, previousDropped: boolean): boolean {
  return (
    DROPPED.some((start) => text.startsWith(start)) ||
    untrustedW25(text) ||
    (previousDropped && text.startsWith(CONTINUATION))
  );
}

let routed = false;

/** Sends node-opcua's warnings and errors to stderr (once per process; later calls do nothing). */
export function routeOpcuaLogs(): void {
  if (routed) return;
  routed = true;
  let dropped = false;
  const toStderr = (_context?: unknown, ...args: unknown[]) => {
    const text = format(...args);
    dropped = dropsWarning(text, dropped);
    if (!dropped) process.stderr.write(`node-opcua: ${text}\n`);
  };
  setWarningLogger(toStderr);
  setErrorLogger(toStderr);
}
