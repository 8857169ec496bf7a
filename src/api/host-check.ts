/**
 * The operator API's one Host check (DNS rebinding), apart from sockets: a web page whose own name was pointed at the
 * gateway's address sends that name as its Host, and a browser then lets it read the answers as its own origin. On a
 * loopback listener a Host that names no loopback is refused for what no token guards (/healthz, /readyz, /metrics,
 * and /api/ reads without http.read_token), as a reverse proxy in front of it may pass its client's Host with a token;
 * beyond loopback, with http.allowed_hosts, a Host the list lacks is refused on every path, writes included. Both are
 * answered 421 Misdirected Request (RFC 9110 §15.5.20: this server does not answer for the name the request was sent
 * to), not 403 (refused for who sent it, which a token would change), and counted in one counter (handlers.ts).
 */
import { allowedHostsMatcher } from '../core/allowed-hosts.js';
import { isLoopbackHost } from '../core/loopback.js';

/** Characters of a refused Host header its answer quotes (the client's: bounded). */
const MAX_QUOTED_HOST_CHARS = 100;

/** The listener's settings the check reads (HttpOptions). */
export interface HostCheckOptions {
  readonly host: string;
  readonly readToken?: string;
  /** Beyond loopback, the Host header values answered besides loopback names; unset: any. */
  readonly allowedHosts?: readonly string[];
}

/** What the check reads of a request. */
export interface HostCheckedRequest {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The Host header, if any (HTTP/1.0 may send none: answered). */
  readonly host?: string;
}

/** The check for a listener: for a request, why its Host is refused (its answer's error), or undefined. */
export function hostCheck(options: HostCheckOptions): (req: HostCheckedRequest) => string | undefined {
  if (isLoopbackHost(options.host)) {
    const loopbackName = allowedHostsMatcher([]);
    return (req) => {
      // Writes need the api token; /api/ reads need the read token where it is set.
      const tokenGuarded = req.method === 'POST' || (req.path.startsWith('/api/') && Boolean(options.readToken));
      if (tokenGuarded || loopbackName(req.host)) return undefined;
      return (
        `the API listens on loopback (${options.host}) and answers /healthz, /readyz and /metrics under a loopback ` +
        'name (localhost, 127.0.0.1, [::1]) only, and /api/ too unless http.read_token is set: a request through ' +
        'another name came from beyond this machine (a reverse proxy) or from a web page that pointed its own name here'
      );
    };
  }
  if (!options.allowedHosts) return () => undefined;
  // The listener's own address or name is answered too (the image's health check asks it): a rebinding page sends its
  // own name, never the gateway's. The unspecified address names no host.
  const answered = allowedHostsMatcher([
    ...options.allowedHosts,
    ...(['0.0.0.0', '::'].includes(options.host) ? [] : [options.host]),
  ]);
  return (req) =>
    answered(req.host)
      ? undefined
      : `the Host this request names (${JSON.stringify(req.host?.slice(0, MAX_QUOTED_HOST_CHARS))}) is not one this ` +
        'gateway answers: a client that reaches it by this name needs it in http.allowed_hosts (a web page that ' +
        'pointed its own name here must not)';
}
