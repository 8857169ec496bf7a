/**
 * Where node-opcua's own warnings and errors go, for the client and the simulator's server alike. node-opcua prints
 * them with console.log, onto stdout, where `run --once` prints its samples as JSON lines and the daemon its log.
 * Once an OPC UA source connects they go to the gateway's log (its JSON lines: `component: "node-opcua"`, warn, or
 * error for node-opcua's errors), which the source gives (sendOpcuaLogsTo); before that, and in the simulator, to
 * stderr, marked as node-opcua's.
 *
 * Some are dropped, as they only worry or flood whoever reads the log:
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
 * - A message the client refused as over its receive limits (max_message_bytes): the transport's "Error   client3 max
 *   message size exceeded: …", at every refusal, and the packet assembler's "maximum chunk size exceeded (…)" before
 *   it. The client's transport hears each refusal (bounded-transport.ts) and the source's own line names it, the
 *   bound and the setting to raise, once (message-bound.ts). A server's ("Error   server2 …") stays.
 */
import { setErrorLogger, setWarningLogger } from 'node-opcua';
import { format } from 'node:util';
import type { Logger } from '../../telemetry/logger.js';
import { isOversize } from './message-bound.js';
import { PKCS1_ADVICE } from './pkcs1-advice.js';

/** The start of node-opcua's warnings that are dropped (W27 comes as two messages). */
const DROPPED = [...PKCS1_ADVICE, 'serverCertificate = '];

/** W25 is dropped only where the certificate is merely untrusted. */
const untrustedW25 = (text: string) => text.startsWith('[NODE-OPCUA-W25]') && text.includes('BadCertificateUntrusted');

/** How a dropped warning's continuation lines start (W25's certificate chain, indented 17 spaces). */
const CONTINUATION = ' '.repeat(17);

/** A message the client refused at its receive limits: the packet assembler's words, or the client transport's. */
const refusedAtBound = (text: string) =>
  text.startsWith('maximum chunk size exceeded') || (/^Error\s+client\d+ /.test(text) && isOversize(text));

/**
 * Whether a warning is left out, given whether the one before it was: one of DROPPED, a refusal at the bound, or an
 * indented continuation of a dropped one.
 */
export function dropsWarning(text: string, previousDropped: boolean): boolean {
  return (
    DROPPED.some((start) => text.startsWith(start)) ||
    untrustedW25(text) ||
    refusedAtBound(text) ||
    (previousDropped && text.startsWith(CONTINUATION))
  );
}

let routed = false;
/** The gateway's log, once a source gave it (sendOpcuaLogsTo); stderr until then. */
let target: Logger | undefined;

/** Sends node-opcua's warnings and errors to stderr, or to the logger given since (once per process). */
export function routeOpcuaLogs(): void {
  if (routed) return;
  routed = true;
  let dropped = false;
  const at =
    (level: 'warn' | 'error') =>
    (_context?: unknown, ...args: unknown[]) => {
      const text = format(...args);
      dropped = dropsWarning(text, dropped);
      if (dropped) return;
      if (target) target[level]({ component: 'node-opcua' }, text);
      else process.stderr.write(`node-opcua: ${text}\n`);
    };
  setWarningLogger(at('warn'));
  setErrorLogger(at('error'));
}

/**
 * node-opcua's warnings and errors to `logger` from now on (the last one given: they are the process's, not one
 * source's); to stderr again where it is undefined.
 */
export function sendOpcuaLogsTo(logger: Logger | undefined): void {
  routeOpcuaLogs();
  target = logger;
}
