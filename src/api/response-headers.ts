/** The headers and the JSON type of every answer of the operator API, Node's own refusals too (client-errors.ts). */

export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Headers every answer carries, errors and event streams included: a browser takes an answer for the type sent and
 * guesses no other (a JSON error quotes what the client sent; a browser that sniffed it as HTML would run it as the
 * gateway's origin), nothing is kept in a cache (a proxy's or a browser's: the status names devices and alarms, and a
 * stale one misleads), and no page may load or frame an answer.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};
