/**
 * The gateway's HTTP endpoint.
 *   GET  /healthz                                  200 while running, 503 otherwise
 *   GET  /metrics                                  Prometheus text format
 *   GET  /api/status                               assets, latest scores, alarms
 *   GET  /api/alarms                               every alarm with its state
 *   GET  /api/events[?types=score,alarm,part,model] live events as Server-Sent Events (at most
 *                                                  max_event_streams at once; a client that
 *                                                  does not keep up is dropped and counted)
 *        the /api GETs need "Authorization: Bearer <http.read_token or api_token>" when read_token is set
 *   POST /api/alarms/{asset}/{alarm}/{command}     ack | shelve | unshelve | remove_from_service |
 *                                                  return_to_service | reset
 *        body {"by": "who", "comment": "...", "duration_s": 3600 (shelve)}
 *        needs "Authorization: Bearer <http.api_token>"; refused when no token is configured.
 *   POST /api/models/{asset}/rollback              puts back the model a probation update replaced
 *        body {"by": "who", "comment": "..."}, same token
 */
import { redactDeep, redactSecrets } from '../core/redact.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATOR_COMMANDS, type AlarmEvent, type OperatorCommand } from '../core/types.js';
import type { AlarmStatus, CommandRequest } from '../runtime/asset-pipeline.js';
import type { GatewayStatus } from '../runtime/gateway.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { formatSse, parseEventTypes, type DaemonEvent } from '../telemetry/event-stream.js';

export interface HttpEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

export interface GatewayApi {
  status(): GatewayStatus;
  /** Calls `listener` with every live event until the returned function is called. */
  subscribe(listener: (event: DaemonEvent) => void): () => void;
  command(asset: string, alarm: string, request: Omit<CommandRequest, 'ts'>): AlarmEvent;
  rollbackModel(asset: string, by: string, comment?: string): Promise<unknown>;
}

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly apiToken?: string;
  readonly readToken?: string;
  readonly maxEventStreams?: number;
}

const MAX_BODY_BYTES = 64 * 1024;
const KEEPALIVE_MS = 15_000;
/** Bytes an event stream may have waiting for a slow client before it is dropped. */
export const MAX_STREAM_BACKLOG_BYTES = 1 << 20;

/** Streams live events to one client until it disconnects, falls behind, or the endpoint closes. */
function streamEvents(req: IncomingMessage, res: ServerResponse, api: GatewayApi, onDropped: () => void): void {
  const types = parseEventTypes(new URL(req.url ?? '/', 'http://x').searchParams.get('types'));
  if (typeof types === 'string') return send(res, 400, { error: `types: ${types}` });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write('retry: 2000\n\n');
  // A client that does not read must not hold the gateway's memory: past the backlog it is dropped.
  let dropped = false;
  const write = (text: string) => {
    if (dropped) return;
    if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
      dropped = true;
      onDropped();
      res.destroy();
      return;
    }
    res.write(text);
  };
  const unsubscribe = api.subscribe((event) => {
    if (types.has(event.type)) write(redactSecrets(formatSse(event)));
  });
  const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  res.on('close', () => {
    clearInterval(keepalive);
    unsubscribe();
  });
}

/** A path segment decoded, or undefined when its percent-encoding is malformed. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  res.writeHead(code, { 'content-type': type });
  // Nothing the API answers carries a credential or a secret URL path (core/redact.ts).
  res.end(type === 'application/json' ? `${JSON.stringify(redactDeep(body))}\n` : String(body));
}

/** Compares the hashes in constant time: neither the token's content nor its length leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? ''), digest(token));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Checks a command body; returns the request or the problem. */
export function parseCommandBody(
  command: OperatorCommand,
  body: Record<string, unknown>,
): Omit<CommandRequest, 'ts'> | string {
  const unknown = Object.keys(body).filter((k) => !['by', 'comment', 'duration_s'].includes(k));
  if (unknown.length > 0) return `unknown field(s): ${unknown.join(', ')}`;
  if (typeof body.by !== 'string' || body.by.trim() === '') return 'by: required, who is doing this (a name or badge)';
  if (body.comment !== undefined && typeof body.comment !== 'string') return 'comment: expected a string';
  if (command === 'shelve' && (typeof body.duration_s !== 'number' || !(body.duration_s > 0)))
    return 'duration_s: required for shelve, a positive number of seconds';
  return {
    command,
    by: body.by.trim(),
    ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
    ...(typeof body.duration_s === 'number' ? { durationMs: body.duration_s * 1000 } : {}),
  };
}

export async function startHttpEndpoint(
  options: HttpOptions,
  api: GatewayApi,
  metrics: GatewayMetrics,
): Promise<HttpEndpoint> {
  /** A write call: token checked, JSON body parsed, `act` run; every failure answered with its status. */
  const write = async (
    req: IncomingMessage,
    res: ServerResponse,
    act: (body: Record<string, unknown>) => Promise<unknown> | unknown,
  ) => {
    if (!options.apiToken)
      return send(res, 403, { error: 'the write API is disabled: set http.api_token in the configuration' });
    if (!tokenMatches(req.headers.authorization, options.apiToken))
      return send(res, 401, { error: 'missing or wrong bearer token' });
    let body: Record<string, unknown>;
    try {
      body = await readJson(req);
    } catch (err) {
      return send(res, 400, { error: `bad body: ${(err as Error).message}` });
    }
    try {
      const result = await act(body);
      if (typeof result === 'string') return send(res, 400, { error: result });
      return send(res, 200, result);
    } catch (err) {
      return send(res, (err as { status?: number }).status ?? 500, { error: (err as Error).message });
    }
  };
  let streams = 0;
  const maxStreams = options.maxEventStreams ?? 32;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.split('/').some((s) => decodeSegment(s) === undefined))
      return send(res, 400, { error: 'bad path: malformed percent-encoding' });
    if (req.method === 'POST' && /^\/api\/models\/[^/]+\/rollback$/.test(path)) {
      const asset = decodeSegment(path.split('/')[3])!;
      return write(req, res, (body) =>
        typeof body.by !== 'string' || !body.by.trim()
          ? 'by: required, who is doing this'
          : api.rollbackModel(asset, body.by.trim(), typeof body.comment === 'string' ? body.comment : undefined),
      );
    }
    if (req.method === 'POST') {
      const m = /^\/api\/alarms\/([^/]+)\/([^/]+)\/([a-z_]+)$/.exec(path);
      if (!m)
        return send(res, 404, {
          error: 'not found: POST /api/alarms/{asset}/{alarm}/{command} or /api/models/{asset}/rollback',
        });
      const [, asset, alarm, command] = m.map((s) => decodeSegment(s)!);
      if (!OPERATOR_COMMANDS.includes(command as OperatorCommand))
        return send(res, 404, { error: `unknown command "${command}": one of ${OPERATOR_COMMANDS.join(', ')}` });
      return write(req, res, (body) => {
        const request = parseCommandBody(command as OperatorCommand, body);
        return typeof request === 'string' ? request : api.command(asset, alarm, request);
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    if (path === '/healthz') {
      const s = api.status();
      const ok = s.state === 'running';
      return send(res, ok ? 200 : 503, {
        status: ok ? 'ok' : s.state,
        sources: s.sources,
        degraded_assets: s.assets.filter((a) => a.degraded).map((a) => a.name),
      });
    }
    if (path === '/metrics') return send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
    if (path.startsWith('/api/') && options.readToken) {
      const auth = req.headers.authorization;
      if (!tokenMatches(auth, options.readToken) && !(options.apiToken && tokenMatches(auth, options.apiToken)))
        return send(res, 401, { error: 'missing or wrong bearer token (http.read_token)' });
    }
    if (path === '/api/status') return send(res, 200, api.status());
    if (path === '/api/alarms') return send(res, 200, api.status().assets.map((a) => a.alarm) satisfies AlarmStatus[]);
    if (path === '/api/events') {
      if (streams >= maxStreams) {
        metrics.apiEventStreamsRefused.inc();
        return send(res, 503, { error: `too many event streams (http.max_event_streams ${maxStreams})` });
      }
      streams++;
      res.on('close', () => streams--);
      return streamEvents(req, res, api, () => metrics.apiEventStreamsDropped.inc());
    }
    send(res, 404, { error: 'not found: try /healthz, /metrics, /api/status, /api/alarms or /api/events' });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, { error: err.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
