/**
 * (Used by the test suite and the benchmarks.)
 * Starts Debian's influxd (InfluxDB 1.x) on 127.0.0.1 on free ports with its data in a temp
 * folder. Fails loudly when influxd is not installed: run scripts/install-test-deps.sh.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../core/free-port.js';
import { serverProcess } from './server-process.js';

export interface Influxd {
  readonly url: string;
  query(db: string, q: string): Promise<InfluxSeries[]>;
  /** Stops the server process, keeping its data (for outage tests). */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

const BINARY = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

export interface InfluxdOptions {
  /** auth-enabled, with this admin user created at start (query() uses it). */
  readonly admin?: { readonly user: string; readonly password: string };
  /** [http] max-body-size in bytes (InfluxDB answers 413 above it). */
  readonly maxBodySize?: number;
}

export async function startInfluxd(options: InfluxdOptions = {}): Promise<Influxd> {
  if (!existsSync(BINARY)) {
    throw new Error(
      `${BINARY} not found: the InfluxDB tests need Debian's influxdb package (bash scripts/install-test-deps.sh)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'linewatch-influxd-'));
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const conf = `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  auth-enabled = ${options.admin ? 'true' : 'false'}
${options.maxBodySize ? `  max-body-size = ${options.maxBodySize}\n` : ''}[continuous_queries]
  enabled = false
`;
  await writeFile(join(dir, 'influxdb.conf'), conf);
  const url = `http://127.0.0.1:${httpPort}`;
  const server = serverProcess(
    'influxd',
    BINARY,
    ['-config', join(dir, 'influxdb.conf')],
    () =>
      fetch(`${url}/ping`).then(
        (r) => r.status === 204,
        () => false,
      ),
    30_000,
  );
  const launch = () => server.start();
  const halt = () => server.stop();
  await launch();
  const credentials: Record<string, string> = options.admin ? { u: options.admin.user, p: options.admin.password } : {};
  if (options.admin) {
    // With no user yet, InfluxDB takes this one statement unauthenticated.
    // The answer is 200 even where the statement failed (its error is in results[0]): a failure there left the server
    // without its admin, and the test's first query met 403 "create admin user first" (a flake under load, twice).
    // Checked, and tried again (five times at most), the last answer named.
    const q = `CREATE USER "${options.admin.user}" WITH PASSWORD '${options.admin.password}' WITH ALL PRIVILEGES`;
    let why = '';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const res = await fetch(`${url}/query?${new URLSearchParams({ q })}`, { method: 'POST' });
      const text = await res.text();
      const error = res.ok ? (JSON.parse(text) as { results?: { error?: string }[] }).results?.[0]?.error : text;
      if (error === undefined) {
        why = '';
        break;
      }
      why = `answered ${res.status}: ${error}`;
    }
    if (why) throw new Error(`influxd: creating the admin user ${why}`);
  }
  return {
    url,
    async query(db, q) {
      const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms', ...credentials })}`, {
        method: /^\s*(SELECT|SHOW)/i.test(q) ? 'GET' : 'POST',
      });
      const body = (await res.json()) as { results?: { series?: InfluxSeries[]; error?: string }[]; error?: string };
      // A refusal of the whole request (authorization, a bad query) comes as {"error"} without results.
      if (!body.results) throw new Error(`influxd: ${q} answered ${res.status}: ${body.error ?? JSON.stringify(body)}`);
      if (body.results[0]?.error) throw new Error(body.results[0].error);
      return body.results[0]?.series ?? [];
    },
    pause: halt,
    resume: launch,
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
