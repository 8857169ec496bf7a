/**
 * The operator API's requests pipelined on one connection, bounded: Node parses every request a client has sent on a
 * connection before it answers the first, and calls the handler for each, so one packet of 64 KiB held some 1,500
 * `GET /metrics` (no token needed) whose answers, kept in memory behind one another for a client that does not read,
 * took the gateway from 60 to 407 MB; a peer's share of connections (64) could take all of its memory. The clients
 * the API serves (Node-RED, Prometheus, curl, a browser) send one request at a time; a connection with
 * MAX_PIPELINED_REQUESTS unanswered is closed as it sends one more, unanswered, and counted as the connection limits'
 * refusals are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Requests one connection may have waiting for their answers at once. */
export const MAX_PIPELINED_REQUESTS = 8;

/** A connection's unanswered requests: `admit` says whether one more may be handled. */
export interface PipelinedRequests {
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  /** Whether an answer on `socket` has begun (its headers sent, its body not whole yet: an event stream). */
  answering(socket: Socket): boolean;
}

/** Holds each connection's unanswered requests; `refused` counts each connection closed for one too many. */
export function pipelinedRequestLimit(refused: () => void): PipelinedRequests {
  const unanswered = new WeakMap<Socket, Set<ServerResponse>>();
  const admit = (req: IncomingMessage, res: ServerResponse): boolean => {
    const socket = req.socket;
    const waiting = unanswered.get(socket) ?? new Set<ServerResponse>();
    if (waiting.size >= MAX_PIPELINED_REQUESTS) {
      if (!socket.destroyed) refused();
      socket.destroy();
      return false;
    }
    waiting.add(res);
    unanswered.set(socket, waiting);
    // 'close': the answer was sent whole, or its connection ended first.
    res.once('close', () => waiting.delete(res));
    return true;
  };
  const answering = (socket: Socket) => [...(unanswered.get(socket) ?? [])].some((res) => res.headersSent);
  return { admit, answering };
}
