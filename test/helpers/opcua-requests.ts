/**
 * OPC UA requests seen on the wire (client to server, security None), for fault injection at a TCP proxy
 * (tcp-proxy.ts): which request a chunk carries, by its type's binary encoding id.
 */

/** Binary encoding ids of the requests a source sends while it sets up its subscription. */
export const REQUESTS = { translate: 554, createMonitoredItems: 751, createSubscription: 787 } as const;

/** Whether `data` (client to server, security None) holds a MSG chunk carrying the request `encodingId`. */
export function carries(data: Buffer, encodingId: number): boolean {
  // "MSGF", size, channel id, token id, sequence number, request id, then the type's node id (four-byte form: 01 00
  // and the id).
  for (let at = data.indexOf('MSG'); at >= 0 && at + 28 <= data.length; at = data.indexOf('MSG', at + 1))
    if (data[at + 24] === 1 && data[at + 25] === 0 && data.readUInt16LE(at + 26) === encodingId) return true;
  return false;
}
