/**
 * The operator API over HTTP: each request read into an ApiRequest, answered by the handlers
 * (handlers.ts), and written back; live event streams held open here, with their backlog bound.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { capConnectionsPerAddress } from './connections-per-address.js';
import { answerClientError } from './client-errors.js';
import { pipelinedRequestLimit } from './pipelined-requests.js';
import { JSON_TYPE, RESPONSE_HEADERS } from './response-headers.js';
import { errorMessage } from '../core/errors.js';
import { listen } from '../core/http-listen.js';
import { redactCredentials, redactDeep, redactSecrets } from '../core/redact.js';
import { formatSse, type DaemonEvent } from '../telemetry/event-stream.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import {
  createApiHandler,
  EVENT_STREAM_TYPE,
  MAX_EVENT_STREAMS,
  type ApiResponse,
  type GatewayApi,
  type HttpOptions,
  type StreamCount,
} from './handlers.js';
import { subscribeDaemonEvents } from './live-events.js';

export type { GatewayApi, HttpOptions } from './handlers.js';

export interface HttpEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
/**
 * Slow clients (slowloris): a request's headers are a line and a few headers, sent at once by a client on this
 * machine or its network, so one still sending them after HEADERS_TIMEOUT_MS (http.headers_timeout_ms; Node's default
 * is a minute), or a connection that sends nothing, is answered 408 and closed; the body (at most MAX_BODY_BYTES) has
 * BODY_TIMEOUT_MS more. Node checks every connection at an interval: at most a second here (30 s by default), so a
 * timeout ends within a second of its time. And at most MAX_CONNECTIONS (http.max_connections) are held at once,
 * event streams included: one more is closed as it comes (Node's maxConnections), so slow clients cannot take every
 * file descriptor of the gateway; and one address holds at most half of them (connections-per-address.ts).
 */
export const HEADERS_TIMEOUT_MS = 10_000;
const BODY_TIMEOUT_MS = 20_000;
export const MAX_CONNECTIONS = 128;
const KEEPALIVE_MS = 15_000;
/** Characters of a failed request's path its log line names (the path is the client's: bounded). */
const MAX_LOGGED_PATH_CHARS = 200;
/** Bytes an event stream may have waiting for a slow client before it is dropped. */
export const MAX_STREAM_BACKLOG_BYTES = 1 << 20;

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, code: number, body: unknown, type = JSON_TYPE): void {
  // Nothing the API answers carries a credential or a secret URL path (core/redact.ts). The body is made before the
  // headers go, so a body that cannot be made fails while a 500 can still be answered.
  const text = type === JSON_TYPE ? `${JSON.stringify(redactDeep(body))}\n` : String(body);
  res.writeHead(code, { ...RESPONSE_HEADERS, 'content-type': type });
  res.end(text);
}

/**
 * An answer that failed (a handler that threw, a body that could not be made, an event stream whose event could not
 * be written): a 500 naming the error where nothing was sent yet, else the connection cut, so a client never takes a
 * response cut short for a whole one. Never throws: a failed answer must not take the gateway down.
 */
function endFailed(res: ServerResponse, err: unknown): void {
  if (!res.headersSent) {
    try {
      return send(res, 500, { error: `internal error: ${errorMessage(err)}` });
    } catch {
      // fall through: the 500 itself could not be sent
    }
  }
  res.destroy();
}

/** What an event stream reports to the endpoint; each runs once at most, `ended` always, when the stream ends. */
interface StreamHooks {
  /** The client fell MAX_STREAM_BACKLOG_BYTES behind and was dropped. */
  dropped(): void;
  /** The stream could not go on (an event that could not be written, a subscription that failed): it was cut. */
  failed(err: unknown): void;
  ended(): void;
}

/** Streams live events to one client until it disconnects, falls behind, fails, or the endpoint closes. */
function streamEvents(
  res: ServerResponse,
  types: ReadonlySet<DaemonEvent['type']>,
  api: GatewayApi,
  hooks: StreamHooks,
): void {
  let open = true;
  let unsubscribe = () => {};
  const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  const stop = () => {
    if (!open) return;
    open = false;
    clearInterval(keepalive);
    unsubscribe();
    hooks.ended();
  };
  res.on('close', stop);
  const cut = (err: unknown) => {
    if (!open) return;
    stop();
    endFailed(res, err);
    hooks.failed(err);
  };
  // A client that does not read must not hold the gateway's memory: past the backlog it is dropped.
  const write = (text: string) => {
    if (!open) return;
    if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
      stop();
      res.destroy();
      hooks.dropped();
      return;
    }
    res.write(text);
  };
  // A model update's outcome names the release URL as the log and the cloud do (its path kept: update-outcome.ts).
  const redact = (event: DaemonEvent) => (event.type === 'model' ? redactCredentials : redactSecrets)(formatSse(event));
  try {
    res.writeHead(200, { ...RESPONSE_HEADERS, 'content-type': EVENT_STREAM_TYPE, connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    // An event this stream cannot write cuts the stream (its client reconnects) rather than pass over it unsaid.
    unsubscribe = subscribeDaemonEvents(api.events, types, (event) => {
      try {
        write(redact(event));
      } catch (err) {
        cut(err);
      }
    });
  } catch (err) {
    return cut(err);
  }
  // The client left while it was subscribing: `stop` ran before the subscription was there to end.
  if (!open) unsubscribe();
}

export async function startHttpEndpoint(
  options: HttpOptions,
  api: GatewayApi,
  metrics: GatewayMetrics,
  logger: Logger,
  now?: () => number,
): Promise<HttpEndpoint> {
  const streams: StreamCount = { active: 0, tokenless: 0 };
  const handle = createApiHandler(options, api, metrics, streams, now);
  /** One failed answer: one error line and one count (the answer itself was ended by endFailed). */
  const report = (req: IncomingMessage, err: unknown) => {
    metrics.apiRequestsFailed.inc();
    const request = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0].slice(0, MAX_LOGGED_PATH_CHARS)}`;
    logger.error({ err, request }, `HTTP API: ${request} failed: ${errorMessage(err)}`);
  };
  const answer = (req: IncomingMessage, res: ServerResponse, response: ApiResponse) => {
    if (response.kind === 'json') return send(res, response.status, response.body);
    if (response.kind === 'text') return send(res, response.status, response.body, response.contentType);
    // The handler reserved this stream; it is released once, when the stream ends.
    const release = () => {
      streams.active--;
      if (response.tokenless) streams.tokenless--;
    };
    if (!res.socket) {
      // Pipelined behind another request on the same connection: a stream never ends, so it would wait (and
      // buffer) behind it forever.
      release();
      metrics.apiEventStreamsRefused.inc();
      return send(res, 400, { error: 'an event stream cannot be pipelined behind another request; open a connection' });
    }
    streamEvents(res, response.types, api, {
      dropped: () => metrics.apiEventStreamsDropped.inc(),
      failed: (err) => report(req, err),
      ended: release,
    });
  };
  const pipelined = pipelinedRequestLimit(() => metrics.apiConnectionsRefused.inc());
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const server: Server = createServer(
    {
      headersTimeout,
      requestTimeout: headersTimeout + BODY_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, headersTimeout / 4),
    },
    (req, res) => {
      if (!pipelined.admit(req, res)) return;
      handle({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: req.headers.authorization,
        host: req.headers.host,
        readBody: () => readBody(req),
      })
        .then((response) => answer(req, res, response))
        .catch((err: unknown) => {
          endFailed(res, err);
          report(req, err);
        });
    },
  );
  // What Node's parser refuses (and a request not sent in time) is answered with the headers every answer carries.
  server.on('clientError', (err: Error, socket: Socket) => {
    if (answerClientError(err, socket, pipelined.answering(socket))) metrics.apiRequestsUnreadable.inc();
  });
  server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  server.on('drop', () => metrics.apiConnectionsRefused.inc());
  const limits = {
    maxConnections: server.maxConnections,
    maxEventStreams: options.maxEventStreams ?? MAX_EVENT_STREAMS,
  };
  capConnectionsPerAddress(server, limits, () => metrics.apiConnectionsRefused.inc());
  return listen(server, options.port, options.host);
}
