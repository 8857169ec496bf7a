/**
 * timeout_ms as node-opcua's limits: the connect's and a silent socket's (transportTimeout: no byte for that long, the
 * connection is closed) and each request's (defaultTransactionTimeout; also sent to the server as the request's
 * timeoutHint). Without the latter a request waited node-opcua's default, 15 s, while other traffic (a subscription's
 * publish responses) kept the socket from being silent. node-opcua raises a request's limit under its
 * minTransactionTimeout (5 s) to that; the floor is lowered to the least timeout_ms allows, so that timeout_ms holds
 * below 5 s too. Publish requests keep limits of their own (node-opcua's publish engine: 10 s at least).
 */
import { ClientSecureChannelLayer, type OPCUAClientOptions } from 'node-opcua';
import { MIN_TIMEOUT_MS } from './timed-out.js';

ClientSecureChannelLayer.minTransactionTimeout = Math.min(
  ClientSecureChannelLayer.minTransactionTimeout,
  MIN_TIMEOUT_MS,
);

/** A client's options that make `timeoutMs` its limits. */
export function timeoutOptions(
  timeoutMs: number,
): Pick<OPCUAClientOptions, 'transportTimeout' | 'defaultTransactionTimeout'> {
  return { transportTimeout: timeoutMs, defaultTransactionTimeout: timeoutMs };
}
