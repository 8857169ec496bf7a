/**
 * Secrets out of what the gateway shows: every URL in a text loses its user info (`user:pass@`, whatever the
 * password holds), its query values and its path (webhook URLs carry their secret there, in any segment:
 * https://hooks.example.com/services/T0/B0/XXXX → https://hooks.example.com/***, https://ntfy.sh/topic →
 * https://ntfy.sh/***).
 * OPC UA endpoints keep their path (opc.tcp://plc:4840/UA/Server): it names the server on the host, OPC UA
 * carries credentials in the session, never in the path, and an operator needs it to find the server.
 * Applied to every log line, to the HTTP API's answers and to command output. Pure.
 */

/** Schemes whose paths never hold a secret, shown whole (user info and query are still redacted). */
const PATH_SHOWN = new Set(['opc.tcp']);
/** Hosts whose URLs name public things, shown whole: the OPC Foundation's namespace URIs (http://opcfoundation.org/UA/),
 * which OPC UA messages name namespaces by. */
const HOST_SHOWN = new Set(['opcfoundation.org']);

/** scheme://… up to whitespace, a quote or a closing bracket. */
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*):\/\/([^\s"'<>)\]}]+)/gi;
/** scheme://user:password@ where the password may hold what ends URL_IN_TEXT (a space, a quote, a bracket): taken
 * out first, up to the last @ before a / ? # or the line's end that a host name follows. Errs towards hiding too much,
 * but not where the URL plainly ended first: a URL with no user info in the gateway's "device X (URL): …" (its
 * authority, a port at most, then a closing bracket), or an @ no host follows (a certificate subject,
 * `NodeOPCUA@plc[thumbprint]`): a PLC's endpoint with no path (opc.tcp://192.168.0.1:4840) and the subject of the
 * certificate its error named were read as one user info, and the error shown as `opc.tcp://***@plc, valid …`. */
const USER_AND_PASSWORD =
  /\b([a-z][a-z0-9+.-]*):\/\/(?![^\s/?#@:()]+(?::\d{1,5})?\))[^\s/?#@:]+:[^\n/?#]{0,256}@(?=(?:\[[0-9a-f:.]+\]|[a-z0-9._~%-]+)(?::\d{0,5})?(?:[/?#\s"'<>)\]},;.:]|$))/gi;

export function redactUrl(scheme: string, rest: string, keepPath = false): string {
  const hashless = rest.split('#')[0];
  const [beforeQuery, query] = [
    hashless.split('?')[0],
    hashless.includes('?') ? hashless.slice(hashless.indexOf('?') + 1) : undefined,
  ];
  const slash = beforeQuery.indexOf('/');
  let authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? '' : beforeQuery.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = `***@${authority.slice(at + 1)}`;
  const public_ = PATH_SHOWN.has(scheme.toLowerCase()) || (at < 0 && HOST_SHOWN.has(authority.toLowerCase()));
  const shown = path === '' || path === '/' || public_ || keepPath ? path : '/***';
  const q =
    query === undefined
      ? ''
      : `?${query
          .split('&')
          .map((kv) => (kv.includes('=') ? `${kv.slice(0, kv.indexOf('='))}=***` : '***'))
          .join('&')}`;
  return `${scheme}://${authority}${shown}${q}`;
}

/** The text with every URL in it redacted. */
export function redactSecrets(text: string): string {
  return redactIn(text, false);
}

/**
 * The text with every URL's user info and query values redacted, its path kept: for what goes back to where the URL
 * came from (a model update's outcome names the release URL the cloud's notice gave, and the folder that was
 * refused), where a hidden path would leave the cloud's operator unable to tell which release or prefix was meant.
 */
export function redactCredentials(text: string): string {
  return redactIn(text, true);
}

function redactIn(text: string, keepPath: boolean): string {
  return text
    .replace(USER_AND_PASSWORD, (_, scheme: string) => `${scheme}://***@`)
    .replace(URL_IN_TEXT, (_, scheme: string, rest: string) => {
      // Punctuation that ends a sentence or a clause ("GET http://h/a.json: answered 404") is the text's, not the URL's.
      const tail = /[:.,;]+$/.exec(rest)?.[0] ?? '';
      return redactUrl(scheme, rest.slice(0, rest.length - tail.length), keepPath) + tail;
    });
}

/**
 * Set (true) on an object, its URLs lose their user info and query values but keep their path wherever it is shown
 * (redactDeep: the HTTP API's answers; a log line's fields, telemetry/logger.ts): a model update's outcome, which names
 * the release URL as the cloud gave it (update-outcome.ts). A symbol, so it is never written out.
 */
export const URL_PATHS_KEPT = Symbol('url paths kept');

/**
 * `value` marked URL_PATHS_KEPT (a copy), the mark not enumerable: a comparison or a copy by spread does not see it,
 * redactDeep does.
 */
export function keepingPaths<T extends object>(value: T): T {
  return Object.defineProperty({ ...value }, URL_PATHS_KEPT, { value: true, enumerable: false });
}

/** Whether `value` is marked URL_PATHS_KEPT. */
export function pathsKept(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { [URL_PATHS_KEPT]?: unknown })[URL_PATHS_KEPT] === true
  );
}

/**
 * A JSON-able value with every string in it redacted (`keepPath`: as redactCredentials does, as in an object marked
 * URL_PATHS_KEPT and what it holds).
 */
export function redactDeep<T>(value: T, keepPath = false): T {
  if (typeof value === 'string') return redactIn(value, keepPath) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, keepPath)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keep = keepPath || pathsKept(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, keep)])) as T;
  }
  return value;
}
