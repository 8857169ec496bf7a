/**
 * The operator API's answers, apart from sockets: a request (method, URL, bearer header, body)
 * in, a response out. src/api/http-server.ts serves them over HTTP; the unit tests call them
 * directly.
 *   GET  /healthz                                  200 while running, 503 otherwise
 *   GET  /readyz                                   200 while running with every source connected and every tag of
 *                                                  it on the device (no missingTags), no asset
 *                                                  degraded (blind, model failed, on a fallback model) and every
 *                                                  sink delivering (or failing for less than its grace,
 *                                                  readyzGraceUntil), 503 otherwise
 *   GET  /metrics                                  Prometheus text format
 *        these three need no token; on a loopback listener, a Host that names loopback; beyond loopback with
 *        http.allowed_hosts, a Host it lists or a loopback name, on every path (421 otherwise: host-check.ts)
 *   GET  /api/status                               assets, latest scores, alarms
 *   GET  /api/alarms                               every alarm with its state
 *   GET  /api/events[?types=score,alarm,part,model,journal_gap]
 *                                                  live events as Server-Sent Events (at most max_event_streams at
 *                                                  once, half of them without a token where api_token is set and
 *                                                  read_token is not); journal_gap: a gap the alarm journal recorded
 *        the /api GETs need "Authorization: Bearer <http.read_token or api_token>" when read_token is set; without
 *        it, on a loopback listener, a Host that names loopback (421 otherwise: DNS rebinding, a reverse proxy)
 *   POST /api/alarms/{asset}/{alarm}/{command}     ack | shelve | unshelve | remove_from_service |
 *                                                  return_to_service | reset
 *        body {"by": "who", "comment": "...", "duration_s": 3600 (shelve)}
 *        needs "Authorization: Bearer <http.api_token>"; refused when no token is configured. Answered once the
 *        transition is journaled; 503 where the local store could not write it (the body says what took effect).
 *   POST /api/models/{asset}/rollback              puts back the model a probation update replaced, or with none on
 *                                                  probation the release confirmed before (local-rollback.ts)
 *        body {"by": "who", "comment": "..."}, same token
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { controlProblem, MAX_BY_CHARS, MAX_COMMENT_CHARS } from '../core/operator-fields.js';
import { OPERATOR_COMMANDS, type AlarmEvent, type OperatorCommand } from '../core/types.js';
import type { AlarmStatus, CommandRequest } from '../runtime/asset-pipeline.js';
import type { Subscribable } from '../core/event-bus.js';
import type { GatewayStatus, GatewayTopics } from '../runtime/gateway.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { parseEventTypes, type DaemonEvent } from '../telemetry/event-stream.js';
import { hostCheck } from './host-check.js';
import { sharedBuild } from './shared-build.js';

export interface GatewayApi {
  status(): GatewayStatus;
  /** The gateway's live events, which the event streams subscribe to (live-events.ts). */
  readonly events: Subscribable<GatewayTopics>;
  /** Resolves with the transition once it is journaled; rejects with a CommandError (its status) otherwise. */
  command(asset: string, alarm: string, request: Omit<CommandRequest, 'ts'>): Promise<AlarmEvent>;
  rollbackModel(asset: string, by: string, comment?: string): Promise<unknown>;
}

/** The type of /api/events' answers (Server-Sent Events are UTF-8). */
export const EVENT_STREAM_TYPE = 'text/event-stream; charset=utf-8';

/** Event streams served at once where http.max_event_streams is not given. */
export const MAX_EVENT_STREAMS = 32;

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly apiToken?: string;
  readonly readToken?: string;
  /** Beyond loopback, the Host header values answered besides loopback names (http.allowed_hosts); unset: any. */
  readonly allowedHosts?: readonly string[];
  readonly maxEventStreams?: number;
  /** Connections held open at once (http.max_connections); one more is closed unanswered. */
  readonly maxConnections?: number;
  /** How long a client may take to send a request's headers (http.headers_timeout_ms). */
  readonly headersTimeoutMs?: number;
}

export interface ApiRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** The Authorization header, if any. */
  readonly authorization?: string;
  /** The Host header, if any. */
  readonly host?: string;
  /** The body as text; rejects when it is too large. */
  readBody(): Promise<string>;
}

export type ApiResponse =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'text'; readonly status: number; readonly body: string; readonly contentType: string }
  /** Serve live events of these types until the client leaves (the server holds the stream open); `tokenless`: the
   * stream counts against StreamCount.tokenless too. */
  | { readonly kind: 'events'; readonly types: ReadonlySet<DaemonEvent['type']>; readonly tokenless: boolean };

/** Event streams open now, against the limit: the handler reserves a stream when it answers `events`
 * (so pipelined requests checked before any stream opened cannot pass the cap), the server releases it
 * when the stream ends. */
export interface StreamCount {
  active: number;
  /** Of them, those opened without a token where the API has one (see tokenlessShare). */
  tokenless: number;
}

/**
 * Event streams a client without a token may hold, where the API has a token: with http.api_token and no read_token
 * the streams are open to anyone who reaches the API (beyond loopback with http.public_reads, the plant network; on
 * loopback, this machine), and one peer could take every stream and lock out the operators' Node-RED, which sends the
 * token; half stay for a client with it.
 */
export function tokenlessShare(maxEventStreams: number): number {
  return Math.max(1, Math.floor(maxEventStreams / 2));
}

const json = (status: number, body: unknown): ApiResponse => ({ kind: 'json', status, body });

/**
 * Compares the hashes in constant time: neither the token's content nor its length leaks through timing. The scheme is
 * read as RFC 9110 §11.1 has it, case-insensitive (`bearer`, as some clients send it, was refused with 401).
 */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(/^Bearer +(.+)$/i.exec(header ?? '')?.[1] ?? ''), digest(token));
}

/** A path segment decoded, or undefined when its percent-encoding is malformed. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Checks who and why in an operator's body (`by` required, `comment` optional); the problem, or undefined. */
function operatorProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.by !== 'string' || body.by.trim() === '') return 'by: required, who is doing this (a name or badge)';
  if (body.by.trim().length > MAX_BY_CHARS)
    return `by: at most ${MAX_BY_CHARS} characters, who is doing this (a name or badge)`;
  const byControl = controlProblem(body.by.trim(), false);
  if (byControl !== undefined) return `by: ${byControl}`;
  if (body.comment !== undefined && typeof body.comment !== 'string') return 'comment: expected a string';
  if (typeof body.comment === 'string' && body.comment.length > MAX_COMMENT_CHARS)
    return `comment: at most ${MAX_COMMENT_CHARS} characters`;
  const commentControl = typeof body.comment === 'string' ? controlProblem(body.comment, true) : undefined;
  return commentControl === undefined ? undefined : `comment: ${commentControl}`;
}

/** The fields of `body` other than `allowed`, as a problem; undefined where there are none. */
function unknownFields(body: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  return unknown.length > 0 ? `unknown field(s): ${unknown.join(', ')}` : undefined;
}

/** Checks a command body; returns the request or the problem. */
export function parseCommandBody(
  command: OperatorCommand,
  body: Record<string, unknown>,
): Omit<CommandRequest, 'ts'> | string {
  const problem = unknownFields(body, ['by', 'comment', 'duration_s']) ?? operatorProblem(body);
  if (problem !== undefined) return problem;
  if (command === 'shelve' && (typeof body.duration_s !== 'number' || !(body.duration_s > 0)))
    return 'duration_s: required for shelve, a positive number of seconds';
  return {
    command,
    by: (body.by as string).trim(),
    ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
    ...(typeof body.duration_s === 'number' ? { durationMs: body.duration_s * 1000 } : {}),
  };
}

/** Checks a model rollback's body; returns who and why, or the problem. */
export function parseRollbackBody(body: Record<string, unknown>): { by: string; comment?: string } | string {
  const problem = unknownFields(body, ['by', 'comment']) ?? operatorProblem(body);
  if (problem !== undefined) return problem;
  return { by: (body.by as string).trim(), ...(typeof body.comment === 'string' ? { comment: body.comment } : {}) };
}

/** The API's request handler; `streams` is shared with the server that holds the event streams open. */
export function createApiHandler(
  options: HttpOptions,
  api: GatewayApi,
  metrics: GatewayMetrics,
  streams: StreamCount = { active: 0, tokenless: 0 },
  now: () => number = () => performance.now(),
): (req: ApiRequest) => Promise<ApiResponse> {
  // The /metrics body, built at most so often and shared by the requests meanwhile (shared-build.ts).
  const metricsText = sharedBuild(() => metrics.registry.metrics(), now);
  const maxStreams = options.maxEventStreams ?? MAX_EVENT_STREAMS;
  /** A 401, counted: a client that lost its token, or one guessing it (not logged: a guesser would flood the log). */
  const unauthorized = (error: string): ApiResponse => {
    metrics.apiRequestsUnauthorized.inc();
    return json(401, { error });
  };

  /** A write call: token checked, JSON body parsed, `act` run; every failure answered with its status. */
  const write = async (
    req: ApiRequest,
    act: (body: Record<string, unknown>) => Promise<unknown> | unknown,
  ): Promise<ApiResponse> => {
    if (!options.apiToken)
      return json(403, { error: 'the write API is disabled: set http.api_token in the configuration' });
    if (!tokenMatches(req.authorization, options.apiToken)) return unauthorized('missing or wrong bearer token');
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(await req.readBody());
    } catch (err) {
      return json(400, { error: `bad body: ${(err as Error).message}` });
    }
    try {
      const result = await act(body);
      if (typeof result === 'string') return json(400, { error: result });
      return json(200, result);
    } catch (err) {
      const { status, details } = err as { status?: number; details?: Record<string, unknown> };
      return json(status ?? 500, { error: (err as Error).message, ...details });
    }
  };

  const wrongHost = hostCheck(options);

  return async (req) => {
    const path = req.url.split('?')[0];
    // First of all (host-check.ts): a page that pointed its own name here learns nothing a token does not guard.
    const refusal = wrongHost({ method: req.method, path, host: req.host });
    if (refusal !== undefined) {
      // Counted, not logged: a rebinding page would flood the log.
      metrics.apiRequestsWrongHost.inc();
      return json(421, { error: refusal });
    }
    if (path.split('/').some((s) => decodeSegment(s) === undefined))
      return json(400, { error: 'bad path: malformed percent-encoding' });
    if (req.method === 'POST' && /^\/api\/models\/[^/]+\/rollback$/.test(path)) {
      const asset = decodeSegment(path.split('/')[3])!;
      return write(req, (body) => {
        const who = parseRollbackBody(body);
        return typeof who === 'string' ? who : api.rollbackModel(asset, who.by, who.comment);
      });
    }
    if (req.method === 'POST') {
      const m = /^\/api\/alarms\/([^/]+)\/([^/]+)\/([a-z_]+)$/.exec(path);
      if (!m)
        return json(404, {
          error: 'not found: POST /api/alarms/{asset}/{alarm}/{command} or /api/models/{asset}/rollback',
        });
      const [, asset, alarm, command] = m.map((s) => decodeSegment(s)!);
      if (!OPERATOR_COMMANDS.includes(command as OperatorCommand))
        return json(404, { error: `unknown command "${command}": one of ${OPERATOR_COMMANDS.join(', ')}` });
      return write(req, (body) => {
        const request = parseCommandBody(command as OperatorCommand, body);
        return typeof request === 'string' ? request : api.command(asset, alarm, request);
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'method not allowed' });
    if (path === '/healthz' || path === '/readyz') {
      const s = api.status();
      const running = s.state === 'running';
      const degraded = s.assets.filter((a) => a.degraded).map((a) => a.name);
      // Not seen whole: a source down, or one whose device has not some of its tags (OPC UA nodes unknown).
      const unseen = s.sources.filter((x) => !x.connected || (x.missingTags?.length ?? 0) > 0).map((x) => x.name);
      // A sink within its grace (one failed batch its next try may deliver) is not counted yet; /api/status says it.
      const unreachable = s.sinks.filter((x) => !x.reachable && x.readyzGraceUntil === undefined).map((x) => x.name);
      // /healthz: the process runs (a restart would not bring a PLC or InfluxDB back); /readyz: it also sees and
      // scores everything, and stores it where it is configured to.
      const ok =
        path === '/healthz'
          ? running
          : running && degraded.length === 0 && unseen.length === 0 && unreachable.length === 0;
      return json(ok ? 200 : 503, {
        status: ok ? 'ok' : running ? 'degraded' : s.state,
        // As before: since and lastError (hosts, paths) are for /api/status, which read_token guards; these are open.
        sources: s.sources.map(({ name, connected, issues, missingTags }) => ({
          name,
          connected,
          ...(issues ? { issues } : {}),
          ...(missingTags ? { missingTags } : {}),
        })),
        degraded_assets: degraded,
        unreachable_sinks: unreachable,
      });
    }
    if (path === '/metrics')
      return {
        kind: 'text',
        status: 200,
        body: await metricsText(),
        contentType: metrics.registry.contentType,
      };
    if (path.startsWith('/api/') && options.readToken) {
      const auth = req.authorization;
      if (!tokenMatches(auth, options.readToken) && !(options.apiToken && tokenMatches(auth, options.apiToken)))
        return unauthorized('missing or wrong bearer token (http.read_token)');
    }
    if (path === '/api/status') return json(200, api.status());
    if (path === '/api/alarms') return json(200, api.status().assets.map((a) => a.alarm) satisfies AlarmStatus[]);
    if (path === '/api/events') {
      const types = parseEventTypes(new URL(req.url, 'http://x').searchParams.get('types'));
      if (typeof types === 'string') return json(400, { error: `types: ${types}` });
      // A HEAD has no body to stream: Node sends its headers only when the response ends, which a stream never does,
      // so it was never answered and held a stream until its client left.
      if (req.method === 'HEAD') return { kind: 'text', status: 200, body: '', contentType: EVENT_STREAM_TYPE };
      if (streams.active >= maxStreams) {
        metrics.apiEventStreamsRefused.inc();
        return json(503, { error: `too many event streams (http.max_event_streams ${maxStreams})` });
      }
      // With read_token set, this request passed it; with no token configured, there is no one to keep streams for.
      const tokenless = !options.readToken && !!options.apiToken && !tokenMatches(req.authorization, options.apiToken);
      if (tokenless && streams.tokenless >= tokenlessShare(maxStreams)) {
        metrics.apiEventStreamsRefused.inc();
        return json(503, {
          error:
            `too many event streams without a token (half of http.max_event_streams ${maxStreams}); ` +
            'send the api token (Authorization: Bearer) for one of the others',
        });
      }
      streams.active++;
      if (tokenless) streams.tokenless++;
      return { kind: 'events', types, tokenless };
    }
    return json(404, { error: 'not found: try /healthz, /readyz, /metrics, /api/status, /api/alarms or /api/events' });
  };
}
