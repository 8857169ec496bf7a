/** Loopback addresses and names, as the operator API and its configuration check tell them. */

/** 127.0.0.0/8 written as an address, not a name that starts like one (127.plant.local resolves anywhere). */
const LOOPBACK_V4 = /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Whether `host` (an address or name, an IPv6 literal with or without brackets) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || LOOPBACK_V4.test(name);
}

/** A Host header's parts: a name or address, or an IPv6 literal in brackets, then an optional port. */
const HOST_HEADER = /^(\[[^\]]*\]|[^:[\]]*)(:\d*)?$/;

/**
 * The host a Host header names, without its port (`[::1]:8080` is `[::1]`, `localhost:8080` is `localhost`); a header
 * of another shape is returned whole, so that it names no loopback (`[::1]evil.example` was read as `[::1]`).
 */
export function hostOfHeader(header: string): string {
  return HOST_HEADER.exec(header)?.[1] ?? header;
}

/**
 * The host a server's URL names for the address it listens on: that address, or 127.0.0.1 where it listens on every
 * interface (a client cannot connect to 0.0.0.0); an IPv6 address in brackets.
 */
export function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
