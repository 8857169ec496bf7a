/** The configuration of the InfluxDB sink (storage.influxdb). */
import { z } from 'zod';
import { bufferSchema } from '../../buffer/schema.js';
import { timerMsSchema } from '../../core/config-primitives.js';

/**
 * What a token may hold, whether written in the configuration or read from token_file: visible ASCII only. The
 * Authorization header refuses anything else, quoting the header (the token) in its error.
 */
export const TOKEN_TEXT = /^[\x21-\x7e]+$/;

export const influxSchema = z
  .strictObject({
    url: z
      .url()
      .describe(
        "InfluxDB's HTTP API, e.g. http://influxdb:8086, or its path behind a reverse proxy (http://proxy/influx/: writes and database setup both go under it): 1.x, or the v1-compatible /write of 2.x (with a DBRP mapping) and 3.x (docs/influxdb.md).",
      ),
    database: z
      .string()
      .min(1)
      .describe('Database written to (2.x: the database of a DBRP mapping; 3.x: the database).'),
    username: z.string().optional().describe('User (with password): 1.x, or a 2.x v1 authorization.'),
    password: z.string().optional().describe('Password, best from the environment.'),
    token: z
      .string()
      // A secret file's trailing newline is no part of it (the HTTP client strips it from the header all the same).
      .trim()
      .min(1)
      // A header: the HTTP client refuses a line break inside, quoting the header (the token) in its error.
      .regex(TOKEN_TEXT, 'only visible ASCII characters, no space or line break inside (two lines in the secret?)')
      .optional()
      .describe(
        'API token of InfluxDB 2.x or 3.x, sent as "Authorization: Token …", never logged; best from the environment (token: ${INFLUX_TOKEN}). Instead of username and password; the database is not created (create_database is not used).',
      ),
    token_file: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A file holding the API token instead of token: a Docker secret (/run/secrets/influx_token) or a mounted Kubernetes secret, relative to this file. Read at start, and again when InfluxDB refuses the token (401, 403): a secret rotated in place needs no restart. One line, at most 4096 bytes, one trailing newline taken off; never logged.',
      ),
    batch_size: z.number().int().min(1).default(5000).describe('Points per write request.'),
    flush_interval_ms: timerMsSchema(10).default(1000).describe('Queued points are written at least this often.'),
    timeout_ms: timerMsSchema(100).default(5000).describe('A write without an answer in this time is retried.'),
    gzip: z.boolean().default(true).describe('Compress request bodies (less bandwidth on plant networks, more CPU).'),
    write_raw_samples: z.boolean().default(true).describe('Store raw samples, not only scores, alarms and parts.'),
    raw_interval_ms: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Downsampling of raw samples: at most one point per channel per this many ms (0: every sample).'),
    create_database: z
      .boolean()
      .default(true)
      .describe(
        'Create the database (and the retention policy) at start, and again if it disappears; false for a user with WRITE only. With true and a user that may not create it, writing goes on anyway.',
      ),
    retention: z
      .string()
      .regex(/^(\d+[smhdw])+$|^INF$/, 'expected an InfluxQL duration such as "30d" or "INF"')
      .optional()
      .describe('Retention of the database, e.g. "30d" or "52w" (InfluxQL duration); created or updated at start.'),
    health_interval_ms: timerMsSchema(0)
      .default(10_000)
      .describe("How often the gateway's own health point is written (0: never)."),
    buffer: bufferSchema
      .default({ type: 'disk', max_bytes: 256 * 1024 * 1024, sync: 'normal' })
      .describe('The durable queue in front of the database.'),
  })
  .superRefine((config, ctx) => {
    // fetch() refuses a URL with user info: every write would fail, logged as InfluxDB unreachable.
    const url = URL.canParse(config.url) ? new URL(config.url) : undefined;
    if (url?.username || url?.password)
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'no user or password in the URL (the HTTP client refuses it): set username and password, or token',
      });
    if (config.token !== undefined && config.token_file !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['token_file'],
        message: 'not with token: set the token, or the file that holds it, not both',
      });
    // A token is 2.x's or 3.x's: their buckets and databases are made with their own tools, never by CREATE DATABASE.
    const tokenKey = config.token !== undefined ? 'token' : config.token_file !== undefined ? 'token_file' : undefined;
    for (const key of ['username', 'password', 'retention'] as const)
      if (tokenKey && config[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message:
            key === 'retention'
              ? `not with ${tokenKey}: set the retention of the 2.x bucket or the 3.x database with its own tools`
              : `not with ${tokenKey}: a token replaces username and password (set one or the other)`,
        });
  });

export type InfluxConfig = z.infer<typeof influxSchema>;
