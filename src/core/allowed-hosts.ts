/**
 * The Host header values an operator API beyond loopback answers (http.allowed_hosts), apart from sockets: a web page
 * whose own name was pointed at the gateway's address (DNS rebinding) sends that name as its Host, so a name the
 * configuration does not list is refused. A browser cannot send another Host than its page's, nor a loopback name
 * from another machine, so loopback names are answered as well (the image's health check asks 127.0.0.1); the handler
 * adds the listener's own address or name (handlers.ts).
 */
import { hostOfHeader, isLoopbackHost } from './loopback.js';

/** A name or address (an IPv6 literal in brackets) and the port, if one was given. */
interface HostAndPort {
  readonly host: string;
  readonly port?: string;
}

/** Host, then an optional port, nothing else (no scheme, user, path or wildcard). */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

/**
 * `text` as a Host header or an entry of allowed_hosts names it: the host as a URL has it (lower case, an IPv6 or IPv4
 * address in its canonical form), a name's trailing dot dropped; undefined where `text` is not host[:port]. An IPv6
 * address may be written without brackets in an entry (`fd00::5`), never with a port then.
 */
function parseHostAndPort(text: string): HostAndPort | undefined {
  const bracketed = !text.startsWith('[') && (text.match(/:/g)?.length ?? 0) > 1 ? `[${text}]` : text;
  const m = HOST_PORT.exec(bracketed);
  if (!m || (m[2] !== undefined && Number(m[2]) > 65535)) return undefined;
  let host: string;
  try {
    host = new URL(`http://${m[1]}`).hostname;
  } catch {
    return undefined;
  }
  return { host: host.replace(/\.$/, ''), ...(m[2] !== undefined ? { port: String(Number(m[2])) } : {}) };
}

/** What is wrong with an allowed_hosts entry, or undefined where it is a name or address with an optional port. */
export function allowedHostProblem(entry: string): string | undefined {
  if (parseHostAndPort(entry) !== undefined) return undefined;
  return (
    `${JSON.stringify(entry)} is not a host name or address with an optional port, as a client's Host header names the gateway ` +
    '(gateway.plant.local, 10.0.0.5, 10.0.0.5:8080, [fd00::5]:8080): no scheme, path or wildcard'
  );
}

/**
 * Whether a request with a Host header is answered, the entries of `allowed` parsed once: no Host (HTTP/1.0; a browser
 * always sends one), a loopback name, or one of `allowed` (an entry without a port matches any port). A Host of another
 * shape is refused; an entry of another shape matches nothing (the schema refuses it).
 */
export function allowedHostsMatcher(allowed: readonly string[]): (header: string | undefined) => boolean {
  const entries = allowed.map(parseHostAndPort).filter((e) => e !== undefined);
  return (header) => {
    if (header === undefined || isLoopbackHost(hostOfHeader(header))) return true;
    const sent = parseHostAndPort(header);
    return (
      sent !== undefined &&
      entries.some((e) => e.host === sent.host && (e.port === undefined || e.port === (sent.port ?? '80')))
    );
  };
}
