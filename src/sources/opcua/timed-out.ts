/**
 * A request over timeout_ms, in words (request-timeout.ts makes timeout_ms each request's limit). Apart from
 * node-opcua, which is loaded only when an OPC UA source runs.
 */

/** The least timeout_ms. */
export const MIN_TIMEOUT_MS = 100;

/**
 * A request that got no answer within its limit, in words ("no answer to a Write request within 1000 ms
 * (timeout_ms): …") from node-opcua's ("Transaction has timed out ( timeout = 1000 ms , request = WriteRequest)");
 * undefined for another message.
 */
export function describeTimedOut(message: string): string | undefined {
  const m = /Transaction has timed out \( timeout = (\d+) ms , request = (\w+?)(Request)?\)/.exec(message);
  if (!m) return undefined;
  return `no answer to a ${m[2]} request within ${m[1]} ms (timeout_ms): the server is slow or stopped answering; raise timeout_ms where it is only slow`;
}
