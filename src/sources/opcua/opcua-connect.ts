/**
 * How an OPC UA source connects: the client adapter loaded only when needed, its options from the configuration
 * (PEM files read, each named by its setting when it cannot be), and what a failed connect means for whoever set it
 * up: an expired or untrusted certificate, a refused user.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { OpcuaConnectOptions, OpcuaConnection } from './client-adapter.js';
import { describeRefusal, isOversize } from './message-bound.js';
import { firstLine } from './opcua-value.js';
import type { OpcuaSourceConfig } from './schema.js';

/** node-opcua is large and prints to stdout when loaded: load it only when an OPC UA source runs. */
export async function connectOpcua(options: OpcuaConnectOptions): Promise<OpcuaConnection> {
  return (await import('./client-adapter.js')).connectOpcua(options);
}

/** A PEM file's text; a missing or unreadable file is named with its setting. */
function readPem(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${setting} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The connect options of a source (reads its user certificate and key, if any). */
export function connectOptions(c: OpcuaSourceConfig): OpcuaConnectOptions {
  return {
    endpoint: c.endpoint,
    securityMode: c.security_mode,
    securityPolicy: c.security_policy ?? (c.security_mode === 'None' ? 'None' : 'Basic256Sha256'),
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
 * it, and the command that trusts it.
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
    return `the server's certificate ${newest.replace(/\.(pem|der)$/, '')} is not trusted (${detail}); it was put in ${file}. To trust it: mv "${file}" "${join(pkiDir, 'trusted', 'certs')}/" and the next connect uses it.`;
  }
  return `certificate refused (${detail}): the server does not trust ours, ${join(pkiDir, 'own', 'certs', 'client_certificate.pem')}; add it to the server's trusted certificates.`;
}

/** A failed connect or session in one line, naming the source and endpoint, with what to do where that is known. */
export function describeConnectError(c: OpcuaSourceConfig, err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  const where = `device ${c.name} (${c.endpoint})`;
  const first = firstLine(message);
  if (isOversize(message)) return `${where}: ${describeRefusal(c.max_message_bytes, first.trim())}`;
  if (/BadCertificate(Issuer)?TimeInvalid/.test(message))
    return `${where}: the server's certificate (or its issuer's) has expired or is not valid yet (${first}): renew it on the server, or check this gateway's clock`;
  if (
    /certificate/i.test(message) &&
    /untrusted|not trusted|rejected|BadCertificate|BadSecurityChecksFailed/i.test(message)
  )
    return `${where}: ${untrustedAdvice(c.pki_dir!, first)}`;
  if (/BadUserAccessDenied|BadIdentityToken|user token policy/i.test(message)) {
    const user = c.user_certificate_file
      ? `the user certificate ${c.user_certificate_file}`
      : c.username
        ? `user "${c.username}"`
        : 'anonymous access';
    return `${where}: the server refused ${user} (${first}): check username and password, or that the server trusts the user certificate`;
  }
  return `${where}: ${first}`;
}
