/**
 * The operator API over HTTP: each request read into an ApiRequest, answered by the handlers
 * (handlers.ts), and written back; live event streams held open here, with their backlog bound.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { capConnectionsPerAddress } from './connections-per-address.js';
import { listen } from '../core/http-listen.js';
import { redactCredentials, redactDeep, redactSecrets } from '../core/redact.js';
import { formatSse, type DaemonEvent } from '../telemetry/event-stream.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import {
  createApiHandler,
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

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  res.writeHead(code, { 'content-type': type });
  // Nothing the API answers carries a credential or a secret URL path (core/redact.ts).
  res.end(type === 'application/json' ? `${JSON.stringify(redactDeep(body))}\n` : String(body));
}

/** Streams live events to one client until it disconnects, falls behind, or the endpoint closes; `ended` runs once
 * when the stream ends, however it ends. */
function streamEvents(
  res: ServerResponse,
  types: ReadonlySet<DaemonEvent['type']>,
  api: GatewayApi,
  onDropped: () => void,
  ended: () => void,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write('retry: 2000\n\n');
  let open = true;
  const stop = () => {
    if (!open) return;
    open = false;
    clearInterval(keepalive);
    unsubscribe();
    ended();
  };
  // A client that does not read must not hold the gateway's memory: past the backlog it is dropped.
  const write = (text: string) => {
    if (!open) return;
    if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
      onDropped();
      stop();
      res.destroy();
      return;
    }
    res.write(text);
  };
  // A model update's outcome names the release URL as the log and the cloud do (its path kept: update-outcome.ts).
  const redact = (event: DaemonEvent) => (event.type === 'model' ? redactCredentials : redactSecrets)(formatSse(event));
  const unsubscribe = subscribeDaemonEvents(api.events, types, (event) => write(redact(event)));
  const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  res.on('close', stop);
}

export async function startHttpEndpoint(
  options: HttpOptions,
  api: GatewayApi,
  metrics: GatewayMetrics,
): Promise<HttpEndpoint> {
  const streams: StreamCount = { active: 0, tokenless: 0 };
  const handle = createApiHandler(options, api, metrics, streams);
  const answer = (res: ServerResponse, response: ApiResponse) => {
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
    streamEvents(res, response.types, api, () => metrics.apiEventStreamsDropped.inc(), release);
  };
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const server: Server = createServer(
    {
      headersTimeout,
      requestTimeout: headersTimeout + BODY_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, headersTimeout / 4),
    },
    (req, res) => {
      handle({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: req.headers.authorization,
        host: req.headers.host,
        readBody: () => readBody(req),
      })
        .then((response) => answer(res, response))
        .catch((err: Error) => send(res, 500, { error: err.message }));
    },
  );
  server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  server.on('drop', () => metrics.apiConnectionsRefused.inc());
  const limits = {
    maxConnections: server.maxConnections,
    maxEventStreams: options.maxEventStreams ?? MAX_EVENT_STREAMS,
  };
  capConnectionsPerAddress(server, limits, () => metrics.apiConnectionsRefused.inc());
  return listen(server, options.port, options.host);
}
