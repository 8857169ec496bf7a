/**
 * The operator API's connections counted per client address: one address holds at most half of http.max_connections
 * (never fewer than http.max_event_streams and one request: a Node-RED on this machine with every stream open), so a
 * single peer (an intruder on the plant network, a runaway scraper) cannot take every slot and lock out the others
 * (Node-RED's event streams, an operator's panel) by opening sockets that send nothing, or by keeping them alive with
 * a request every few seconds. A connection over its address's share is closed as it comes, unanswered, and counted
 * as Node's own refusals at max_connections are.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** The most connections one address holds: half of `maxConnections`, or every event stream and one request. */
export function perAddressShare(maxConnections: number, maxEventStreams: number): number {
  return Math.max(Math.floor(maxConnections / 2), maxEventStreams + 1);
}

/** Caps `server`'s connections per remote address at perAddressShare; `refused` counts each one closed. */
export function capConnectionsPerAddress(
  server: Server,
  limits: { readonly maxConnections: number; readonly maxEventStreams: number },
  refused: () => void,
): void {
  const share = perAddressShare(limits.maxConnections, limits.maxEventStreams);
  const held = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    // A socket already closed by its peer has no address left: it holds nothing.
    const address = socket.remoteAddress;
    if (address === undefined) return;
    const count = held.get(address) ?? 0;
    if (count >= share) {
      refused();
      socket.destroy();
      return;
    }
    held.set(address, count + 1);
    socket.once('close', () => {
      const left = (held.get(address) ?? 1) - 1;
      if (left > 0) held.set(address, left);
      else held.delete(address);
    });
  });
}
