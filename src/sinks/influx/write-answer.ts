/**
 * What InfluxDB's answer to a write means for the batch, apart from the HTTP call (pure): an answer other than 2xx,
 * with the start of its body, judged as the table at the top of influx-sink.ts says: points refused (counted as
 * dropped, never retried), the batch kept and retried (with the message a person reads and when), or split in halves.
 */
import { excerpt } from '../../core/http-body.js';
import type { InfluxConfig } from './schema.js';

/**
 * The answers other than 2xx that InfluxDB documents for a write (1.x: 400, 401, 404, 413, 500; 2.x's v1 API also
 * 403, 422, 429, 503): their write-error kinds (`http_<status>`) are created at 0 when the gateway starts, so an alert
 * on one sees its first answer. Any other status (a proxy's 502 or 504) is counted the same way from its first.
 */
export const DOCUMENTED_STATUSES = [400, 401, 403, 404, 413, 422, 429, 500, 503] as const;

/** How much of an error answer is read (enough for InfluxDB's partial-write message); the rest is not. */
export const ERROR_BODY_BYTES = 64 * 1024;
/** How much of it a log line shows. */
const SHOWN_CHARS = 300;

/** An answer other than 2xx: its status, the start of its body, and its Retry-After header. */
export interface WriteAnswer {
  readonly status: number;
  readonly text: string;
  /** The body was longer than what was read. */
  readonly truncated: boolean;
  readonly retryAfter: string | null;
  /** Its Location header, where it has one (a redirect, which is not followed). */
  readonly location?: string | null;
}

export type AnswerVerdict =
  /** InfluxDB refused points (bad ones): `dropped` of the batch's lines are counted as dropped, the rest written. */
  | { readonly kind: 'rejected'; readonly dropped: number; readonly message: string }
  /** Kept and retried: logged once at `level`, counted under `errorKind`, tried again after `afterMs` or backoff. */
  | {
      readonly kind: 'retry';
      readonly message: string;
      readonly errorKind: string;
      readonly level: 'warn' | 'error';
      readonly afterMs?: number;
      /** The database is gone: created again before the next try, where allowed. */
      readonly databaseMissing?: true;
    }
  /** Too large (413): sent again in halves. */
  | { readonly kind: 'split' };

/** An HTTP Retry-After (seconds or a date) as milliseconds from `now`, within 1 s to 10 min; undefined if absent or
 * unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(seconds) ? Math.min(600_000, Math.max(1000, seconds)) : undefined;
}

/** What an answer other than 2xx to a batch of `lines` points means (see the table at the top of influx-sink.ts). */
export function judgeAnswer(
  answer: WriteAnswer,
  lines: number,
  config: Pick<InfluxConfig, 'url' | 'database' | 'username' | 'token' | 'create_database'>,
  now: number,
): AnswerVerdict {
  const { status, text, truncated } = answer;
  const shown = excerpt(text, SHOWN_CHARS, truncated);
  const database = config.database;
  // Every line names the URL that answered (the logger redacts its user info and query), as sources name endpoints.
  const influx = `influxdb ${config.url}`;
  // InfluxDB (1.x, 2.x, 3.x) says why it refused points in a JSON object; a proxy's own 400 (nginx's "The plain HTTP
  // request was sent to HTTPS port", "Request Header Or Cookie Too Large") is a page: nothing refused the points.
  const influxAnswered = text.trimStart().startsWith('{');
  if ((status === 400 || status === 422) && !influxAnswered)
    return {
      kind: 'retry',
      message:
        `${influx} answered ${status} with an answer that is not InfluxDB's (${shown || '(no body)'}): a proxy or ` +
        "another server in front of it? check that url is InfluxDB's HTTP API",
      errorKind: `http_${status}`,
      level: 'error',
    };
  if (status === 400 || status === 422) {
    // "partial write: ... dropped=N": InfluxDB kept the other points of the batch. 1.x counts a point it could not
    // parse (a time outside its range) apart, as "unable to parse", and not in dropped=N.
    // Where the answer was cut short, or says no count, every point of the batch is counted as dropped.
    const counted = /dropped=(\d+)/.exec(text);
    const unparsed = text.match(/unable to parse/g)?.length ?? 0;
    const dropped = truncated || !counted ? lines : Math.min(lines, Number(counted[1]) + unparsed);
    return {
      kind: 'rejected',
      dropped,
      message: `${influx} refused ${dropped} of ${lines} points (not retried): ${shown}`,
    };
  }
  if ((status === 401 || status === 403) && config.token)
    return {
      kind: 'retry',
      message:
        `${influx} refused the write with the configured token (HTTP ${status}: ${shown}): check that the token is ` +
        `valid and may write to database "${database}" (2.x: the bucket its DBRP mapping names)`,
      errorKind: `http_${status}`,
      level: 'error',
    };
  if ((status === 401 || status === 403) && config.username === undefined)
    return {
      kind: 'retry',
      message:
        `${influx} refused the write without credentials (HTTP ${status}: ${shown || '(no body)'}): an InfluxDB with ` +
        'authentication needs username and password (1.x) or token (2.x, 3.x)',
      errorKind: `http_${status}`,
      level: 'error',
    };
  if (status === 401 || status === 403) {
    const user = config.username;
    const fix =
      status === 401
        ? 'check its password'
        : `grant it WRITE on the database: GRANT WRITE ON "${database}" TO "${user}"`;
    return {
      kind: 'retry',
      message: `${influx} refused the write as user "${user}" (HTTP ${status}: ${shown}): ${fix}`,
      errorKind: `http_${status}`,
      level: 'error',
    };
  }
  if (status === 404 && /database not found/i.test(text)) {
    const what = config.create_database ? 'creating it again' : 'create it, or set create_database: true';
    return {
      kind: 'retry',
      message: `${influx}: database "${database}" not found (${what})`,
      errorKind: 'http_404',
      level: 'error',
      databaseMissing: true,
    };
  }
  if (status === 404)
    return {
      kind: 'retry',
      message: `${influx} answered 404 to a write to database "${database}" (${shown}): check that url is InfluxDB's HTTP API (for 2.x, with a DBRP mapping of "${database}" to a bucket) and that the database exists`,
      errorKind: 'http_404',
      level: 'error',
    };
  // One point too large for InfluxDB's own limit (its JSON answer) is dropped once split down to it (influx-sink.ts);
  // a proxy that refuses one point (a page) refuses them all: each was dropped, and logged, in turn.
  if (status === 413 && lines === 1 && !influxAnswered)
    return {
      kind: 'retry',
      message:
        `${influx} answered 413 to a single point with an answer that is not InfluxDB's (${shown || '(no body)'}): ` +
        "a proxy's body limit below one point? raise it (nginx: client_max_body_size), or set url to InfluxDB's own " +
        'address',
      errorKind: 'http_413',
      level: 'error',
    };
  if (status === 413) return { kind: 'split' };
  // InfluxDB never redirects a write: a redirect sends the points elsewhere (fetch would follow it, counting them
  // written wherever they landed, and drop the credentials on the way), so it is not followed.
  if (status >= 300 && status < 400)
    return {
      kind: 'retry',
      message:
        `${influx} answered ${status}, a redirect to ${answer.location || '(no Location)'}: not followed (InfluxDB ` +
        "never redirects a write): set url to InfluxDB's own address",
      errorKind: `http_${status}`,
      level: 'error',
    };
  // 408, 429, 5xx, and answers a person must look at (a proxy's 405...): never dropped.
  const afterMs = retryAfterMs(answer.retryAfter, now);
  return {
    kind: 'retry',
    message: `${influx} answered ${status}: ${shown}`,
    errorKind: `http_${status}`,
    level: status >= 500 || status === 408 || status === 429 ? 'warn' : 'error',
    ...(afterMs !== undefined ? { afterMs } : {}),
  };
}
