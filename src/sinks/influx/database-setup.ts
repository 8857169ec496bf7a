/**
 * Database and retention setup: InfluxQL statements POSTed to /query under the configured URL (influxUrl: a reverse
 * proxy's path prefix kept, as for writes), with the writes' credentials. Idempotent: run before the first write and
 * again after a write finds the database gone.
 *
 * Each answer is judged apart from the request (judgeSetupAnswer, pure). An answer that says this server or this
 * user will not run the statement is a refusal, warned of once, after which writing goes on as it is (the database
 * may well exist; a write to a missing one is kept and retried):
 *   user         401, 403, or an authorization error: a user that may not (1.x WRITE only), no credentials where
 *                the server wants some (3.x with its default authentication: 401, empty)
 *   unsupported  a server that creates no database this way: 2.x ("not implemented: CREATE DATABASE"), 3.x ("must
 *                specify a 'db' parameter": 500 in its earlier releases, 200 with the error in later ones), a /query
 *                it does not serve (404, 405, 501), a statement it refuses (400, or 200 with an error), or an answer
 *                that is not InfluxDB's JSON; a redirect (3xx: never followed)
 * Only a failure that may pass is retried (the batch waits for it): another 5xx, 408, 429, no answer.
 */
import { z } from 'zod';
import { excerpt, readBodyStart } from '../../core/http-body.js';
import { credentialHeaders, influxUrl } from './influx-http.js';
import type { InfluxConfig } from './schema.js';

export const RETENTION_POLICY = 'linewatch';

/** Far more than any setup answer (a few hundred bytes); the rest is not read. */
const ANSWER_BYTES = 64 * 1024;
const SHOWN_CHARS = 200;

export type SetupRefusal = 'user' | 'unsupported';

/** What one answer to a setup statement means (pure). */
export type SetupVerdict =
  | { readonly kind: 'ok'; readonly rows: readonly Record<string, unknown>[] }
  | { readonly kind: 'refused'; readonly refusal: SetupRefusal; readonly detail: string }
  | { readonly kind: 'retry'; readonly status: number; readonly detail: string };

/** The outcome of the whole setup: ready, refused (writing goes on), or to be retried with the writes' backoff. */
export type SetupOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'refused'; readonly refusal: SetupRefusal; readonly statement: string; readonly detail: string }
  | { readonly kind: 'retry'; readonly status: number; readonly statement: string; readonly detail: string };

const AUTHORIZATION = /not authorized|authoriz(ation|ing) failed|error authorizing|unauthorized|forbidden|permission/i;
/** What 2.x and 3.x say to CREATE DATABASE where they answer 500 or 200 (see the top of this file). */
const NOT_SERVED = /not implemented|not supported|must specify a 'db' parameter/i;

/** InfluxDB's answer to /query, as far as setup reads it: the first statement's error, or its series. */
const setupAnswerSchema = z.object({
  results: z
    .array(
      z.object({
        error: z.string().optional(),
        series: z
          .array(
            z.object({ columns: z.array(z.string()).default([]), values: z.array(z.array(z.unknown())).default([]) }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** InfluxQL's quoted identifier: `"` and `\` escaped. */
export const quoted = (name: string): string => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** What the answer to a setup statement means: `text` is the start of its body, `truncated` where it went on. */
export function judgeSetupAnswer(status: number, text: string, truncated: boolean): SetupVerdict {
  const shown = `HTTP ${status}: ${excerpt(text, SHOWN_CHARS, truncated) || '(no body)'}`;
  if (status >= 200 && status < 300) {
    let body: z.infer<typeof setupAnswerSchema>;
    try {
      if (truncated) throw new Error('cut short');
      // Checked as whatever answered may have sent it (a series that is not a list threw a TypeError, retried as
      // "unreachable" for ever).
      body = setupAnswerSchema.parse(JSON.parse(text));
    } catch {
      return { kind: 'refused', refusal: 'unsupported', detail: `${shown} (not InfluxDB's answer)` };
    }
    const result = body.results?.[0];
    if (result?.error !== undefined) {
      const detail = `HTTP ${status}: ${excerpt(result.error, SHOWN_CHARS)}`;
      return { kind: 'refused', refusal: AUTHORIZATION.test(result.error) ? 'user' : 'unsupported', detail };
    }
    const rows = (result?.series ?? []).flatMap(({ columns, values }) =>
      values.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))),
    );
    return { kind: 'ok', rows };
  }
  if (status === 401 || status === 403) return { kind: 'refused', refusal: 'user', detail: shown };
  // A redirect (3xx, not followed): not InfluxDB's answer; the write's own answer says where it pointed.
  if (
    (status >= 300 && status < 400) ||
    [400, 404, 405, 501].includes(status) ||
    (status === 500 && NOT_SERVED.test(text))
  )
    return { kind: 'refused', refusal: 'unsupported', detail: shown };
  return { kind: 'retry', status, detail: shown };
}

type Statement = (q: string) => Promise<SetupVerdict>;

/**
 * Creates the database, and sets its retention policy where `retention` is set; `token` is the one writes use.
 * Rejects only where InfluxDB cannot be reached (a network error, a timeout, `stop` aborted: a sink's stop).
 */
export async function ensureDatabase(
  config: InfluxConfig,
  token: string | undefined,
  stop?: AbortSignal,
): Promise<SetupOutcome> {
  const run: Statement = async (q) => {
    const res = await fetch(influxUrl(config.url, 'query', { q }), {
      method: 'POST',
      headers: credentialHeaders(config, token),
      redirect: 'manual', // as for writes: a redirect is an answer (judged below), never followed
      signal: stop
        ? AbortSignal.any([AbortSignal.timeout(config.timeout_ms), stop])
        : AbortSignal.timeout(config.timeout_ms),
    });
    const { text, truncated } = await readBodyStart(res, ANSWER_BYTES);
    return judgeSetupAnswer(res.status, text, truncated);
  };
  const database = quoted(config.database);
  const created = await step(run, `CREATE DATABASE ${database}`);
  if (created.kind !== 'ready' || !config.retention) return created;
  const shown = await run(`SHOW RETENTION POLICIES ON ${database}`);
  if (shown.kind !== 'ok') return outcome(shown, `SHOW RETENTION POLICIES ON ${database}`);
  const verb = shown.rows.some((r) => r.name === RETENTION_POLICY) ? 'ALTER' : 'CREATE';
  const policy = `${verb} RETENTION POLICY ${quoted(RETENTION_POLICY)} ON ${database} DURATION ${config.retention} REPLICATION 1 DEFAULT`;
  return step(run, policy);
}

async function step(run: Statement, statement: string): Promise<SetupOutcome> {
  return outcome(await run(statement), statement);
}

function outcome(verdict: SetupVerdict, statement: string): SetupOutcome {
  return verdict.kind === 'ok' ? { kind: 'ready' } : { ...verdict, statement };
}

/** The warning a refusal gets (logged once): what was refused, why, and that writing goes on. */
export function refusalMessage(
  config: Pick<InfluxConfig, 'url' | 'database' | 'username'>,
  refused: Extract<SetupOutcome, { kind: 'refused' }>,
): string {
  const { url, database, username } = config;
  const { detail } = refused;
  const creating = refused.statement.startsWith('CREATE DATABASE');
  if (refused.refusal === 'user' && username !== undefined) {
    const what = creating ? 'create database' : 'set the retention policy of database';
    return `influxdb ${url}: user "${username}" may not ${what} "${database}" (${detail}); writing to it as it is (set create_database: false for a user with WRITE only)`;
  }
  if (refused.refusal === 'user')
    return `influxdb ${url} refused ${refused.statement} without credentials (${detail}); writing to database "${database}" as it is (an InfluxDB with authentication needs username and password, 1.x, or token, 2.x and 3.x; set create_database: false where the database exists)`;
  const what = creating ? 'create databases' : 'set retention policies';
  return `influxdb ${url} does not ${what} (${detail}): InfluxDB 2.x (buckets and DBRP mappings are made with its own tools) or 3.x (a database is made by its first write), or no /query there (docs/influxdb.md); writing to database "${database}" as it is (set create_database: false to skip this)`;
}
