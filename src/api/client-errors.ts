/**
 * Requests Node's HTTP parser refuses before a handler sees them (a malformed request line or header, headers too
 * large, a request not sent whole within its timeout: slowloris) were answered by Node itself, `HTTP/1.1 400 Bad
 * Request` and `Connection: close` alone, without the nosniff, no-store and CSP every other answer carries
 * (response-headers.ts). Answered here with the status Node chooses, those headers and a JSON error naming the
 * status and Node's code (nothing of what the client sent), and the connection closed, as Node does.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { JSON_TYPE, RESPONSE_HEADERS } from './response-headers.js';

/** Node's status for each of its error codes (lib/_http_server.js); 400 for any other. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** What each status says to the client. */
const WHY: Readonly<Record<number, string>> = {
  400: 'bad request: not a request this server can read as HTTP/1.1',
  408: 'request timeout: the request was not sent whole in time (http.headers_timeout_ms for its headers)',
  413: 'content too large: a chunk extension is too long',
  431: 'request header fields too large',
};

/** The whole HTTP answer (status line, headers, body) to a request Node refused with `code`. */
export function clientErrorAnswer(code: string | undefined): string {
  const status = (code !== undefined && STATUS_OF_CODE[code]) || 400;
  const body = `${JSON.stringify({ error: `${WHY[status]} (${code ?? 'no code'})` })}\n`;
  const headers = {
    ...RESPONSE_HEADERS,
    'content-type': JSON_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}\r\n${body}`;
}

/**
 * Answers Node's `err` on `socket`, then closes it. Not where the peer reset the connection, nor where an answer on
 * it has begun (`answering`: an event stream): this one would land in the middle of it; the connection is closed.
 * Whether the client's request was refused (every error but the peer's reset): the server counts those.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex, answering: boolean): boolean {
  const refused = err.code !== 'ECONNRESET';
  if (refused && socket.writable && !answering) socket.write(clientErrorAnswer(err.code));
  socket.destroy();
  return refused;
}
