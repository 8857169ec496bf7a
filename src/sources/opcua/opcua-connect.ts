/**
 * How an OPC UA source connects: the client adapter loaded only when needed, its options from the configuration
 * (PEM files read, each named by its setting when it cannot be), and what a failed connect means for whoever set it
 * up: an expired or untrusted certificate, a refused user.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { OpcuaConnectOptions, OpcuaConnection } from './client-adapter.js';
import { socketErrorMeaning } from '../../core/socket-errors.js';
import { trustCommand } from '../../core/trust-command.js';
import { PEM_FILE_MAX_BYTES, readRegularFileSync, regularFileErrorText } from '../../core/regular-file.js';
import { describeRefusal, isNotOpcuaServer, isOversize } from './message-bound.js';
import { firstLine } from './opcua-value.js';
import { describeTimedOut } from './timed-out.js';
import { certificateChangeText } from './certificate-change.js';
import { ownCertificateFile } from './own-certificate-file.js';
import type { OpcuaSourceConfig } from './schema.js';
import type { Logger } from '../../telemetry/logger.js';

/**
 * node-opcua is large and prints to stdout when loaded: load it only when an OPC UA source runs. Its own warnings go
 * to `logger` from then on (opcua-log.ts).
 */
export async function connectOpcua(options: OpcuaConnectOptions, logger: Logger): Promise<OpcuaConnection> {
  const adapter = await import('./client-adapter.js');
  (await import('./opcua-log.js')).sendOpcuaLogsTo(logger);
  return adapter.connectOpcua({
    onMakingCertificate: (file) =>
      logger.info({ file }, `making this gateway's OPC UA client certificate ${file} (the one a server must trust)`),
    ...options,
  });
}

/** A PEM file's text; a missing or unreadable file is named with its setting. */
function readPem(file: string, setting: string): string {
  try {
    return readRegularFileSync(file, PEM_FILE_MAX_BYTES).toString('utf8');
  } catch (err) {
    throw new Error(`${setting} ${file}: ${regularFileErrorText(err)}`);
  }
}

/** The security policy a source asks for: the configured one, or None without security and Basic256Sha256 with. */
function policyOf(c: OpcuaSourceConfig): OpcuaConnectOptions['securityPolicy'] {
  return c.security_policy ?? (c.security_mode === 'None' ? 'None' : 'Basic256Sha256');
}

/** The connect options of a source (reads its user certificate and key, if any). */
export function connectOptions(c: OpcuaSourceConfig): OpcuaConnectOptions {
  return {
    endpoint: c.endpoint,
    securityMode: c.security_mode,
    securityPolicy: policyOf(c),
    username: c.username,
    password: c.password,
    ...(c.user_certificate_file && c.user_private_key_file
      ? {
          userCertificate: {
            certificatePem: readPem(c.user_certificate_file, 'user_certificate_file'),
            privateKeyPem: readPem(c.user_private_key_file, 'user_private_key_file'),
          },
        }
      : {}),
    pkiDir: c.pki_dir!,
    timeoutMs: c.timeout_ms,
    maxMessageBytes: c.max_message_bytes,
  } as const;
}

/**
 * What to do about a certificate that was not trusted: which certificate, where node-opcua put
 * it, and the command that trusts it; first, where another was trusted for the same server, that it changed.
 */
export function untrustedAdvice(pkiDir: string, detail: string): string {
  const rejectedDir = join(pkiDir, 'rejected');
  let newest: string | undefined;
  try {
    newest = readdirSync(rejectedDir)
      .filter((f) => /\.(pem|der)$/.test(f))
      .map((f) => ({ f, t: statSync(join(rejectedDir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)[0]?.f;
  } catch {
    newest = undefined;
  }
  if (newest) {
    const file = join(rejectedDir, newest);
    const changed = certificateChangeText(pkiDir, file);
    const trust = `${trustCommand(file, pkiDir)} and the next connect uses it`;
    if (changed)
      return `${changed}. The new certificate is not trusted (${detail}); it was put in ${file}. To trust it, once checked: ${trust}`;
    return `the server's certificate ${newest.replace(/\.(pem|der)$/, '')} is not trusted (${detail}); it was put in ${file}. To trust it: ${trust}`;
  }
  return ownCertificateAdvice(pkiDir, detail);
}

export { ownCertificateFile };

/** What to do about a server that does not trust this gateway's certificate: which file, and where it goes there. */
export function ownCertificateAdvice(pkiDir: string, detail: string): string {
  return `the server does not trust this gateway's certificate ${ownCertificateFile(pkiDir)} (${detail}): give that file to the server's administrator to trust (a node-opcua server: from its rejected/ to its trusted/certs/; a PLC: its trusted certificates, in its web page or engineering tool); the next connect then goes through`;
}

/**
 * The server refused this gateway's certificate: node-opcua's words for a refusal the server sent ("The connection
 * has been rejected by server: BadSecurityChecksFailed", the code a node-opcua server answers to a client certificate
 * it does not trust; other servers answer BadCertificateUntrusted and its kin), which name no certificate.
 */
function isOwnCertificateRefused(message: string): boolean {
  return /has been rejected by server: /i.test(message) && /BadSecurityChecksFailed|BadCertificate\w*/.test(message);
}

/** A failed connect or session in one line, naming the source and endpoint, with what to do where that is known. */
export function describeConnectError(c: OpcuaSourceConfig, err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  const where = `device ${c.name} (${c.endpoint})`;
  const first = firstLine(message);
  if (isNotOpcuaServer(message)) return `${where}: ${first}`;
  const timedOut = describeTimedOut(message);
  if (timedOut) return `${where}: ${timedOut}`;
  if (isOversize(message)) return `${where}: ${describeRefusal(c.max_message_bytes, first.trim())}`;
  if (isOwnCertificateRefused(message))
    return /BadCertificate(Issuer)?TimeInvalid/.test(message)
      ? `${where}: the server finds this gateway's certificate ${ownCertificateFile(c.pki_dir!)} expired or not valid yet (${first}): check this gateway's clock`
      : `${where}: ${ownCertificateAdvice(c.pki_dir!, first)}`;
  if (/BadCertificate(Issuer)?TimeInvalid/.test(message))
    return `${where}: the server's certificate (or its issuer's) has expired or is not valid yet (${first}): renew it on the server, or check this gateway's clock`;
  if (
    /certificate/i.test(message) &&
    /untrusted|not trusted|rejected|BadCertificate|BadSecurityChecksFailed/i.test(message)
  )
    return `${where}: ${untrustedAdvice(c.pki_dir!, first)}`;
  if (/BadUserAccessDenied|BadIdentityToken|user token policy/i.test(message))
    return `${where}: the server refused ${refusedUser(c, first)}`;
  return `${where}: ${describeUnreached(c, message) ?? first}`;
}

/** The user a server refused, with the refusal, and what to check: the password, the certificate or a user to give. */
function refusedUser(c: OpcuaSourceConfig, refusal: string): string {
  if (c.user_certificate_file)
    return `the user certificate ${c.user_certificate_file} (${refusal}): check that the server trusts it (its administrator adds it to the server's trusted user certificates)`;
  if (c.username) return `user "${c.username}" (${refusal}): check username and password`;
  return `anonymous access (${refusal}): set username and password, or user_certificate_file and user_private_key_file`;
}

/** The security a source connects with, as its settings name it ("security_mode Sign, security_policy None"). */
function securityOf(c: OpcuaSourceConfig): string {
  return `security_mode ${c.security_mode}, security_policy ${policyOf(c)}`;
}

/**
 * A connect that did not reach a session, in words: node-opcua's own ("The connection may have been rejected by
 * server", its cause on a later line) names neither the cause nor what to check. The socket's error code with its
 * meaning, a silent server, or no endpoint with this security; undefined where the message is none of those.
 */
function describeUnreached(c: OpcuaSourceConfig, message: string): string | undefined {
  const security = securityOf(c);
  if (/End point must exist/.test(message)) {
    const offers = /\(it offers: ([^)\n]*)\)/.exec(message)?.[1];
    return `the server offers no endpoint with ${security} at this URL${offers ? ` (it offers: ${offers})` : ''}: set security_mode and security_policy to one it offers, or check the endpoint's path`;
  }
  if (!/The connection (may have been rejected|cannot be established)/.test(message)) return undefined;
  const cause = /Err = \((.*)\)\s*$/s.exec(message)?.[1].trim() ?? firstLine(message);
  const code = /\b(E[A-Z]{4,})\b/.exec(cause)?.[1];
  const meaning = code ? socketErrorMeaning(code, 'OPC UA') : undefined;
  if (meaning) return `cannot connect (${security}): ${firstLine(cause)} (${meaning})`;
  if (/waiting for data on socket/.test(cause))
    return `cannot connect (${security}): no answer within timeout_ms (${c.timeout_ms} ms): check host and port, any firewall between, and that the server serves OPC UA at that port`;
  return `cannot connect (${security}): ${firstLine(cause)}`;
}
