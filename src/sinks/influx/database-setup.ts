/**
 * Database and retention setup through the `influx` package (its admin API is what it serves
 * best; writes go through our own batched line-protocol path, which the benchmark found as fast
 * as raw POSTs). Idempotent: run at every start and after InfluxDB comes back.
 */
import Influx from 'influx';
import type { InfluxConfig } from './schema.js';

export const RETENTION_POLICY = 'linewatch';

/**
 * Why the server refused to create the database, where writing may go on anyway (pure): `user`, a user that may not
 * (1.x with WRITE only: the database may well exist); `unsupported`, a server that creates none (2.x answers
 * "not implemented: CREATE DATABASE": its buckets and DBRP mappings are made with its own tools). Undefined for any
 * other failure (InfluxDB unreachable), which is retried.
 */
export function setupRefusal(message: string): 'user' | 'unsupported' | undefined {
  if (/\b(401|403)\b|not authorized|authorization failed/i.test(message)) return 'user';
  if (/not implemented: CREATE DATABASE/i.test(message)) return 'unsupported';
  return undefined;
}

export async function ensureDatabase(config: InfluxConfig): Promise<void> {
  const url = new URL(config.url);
  const client = new Influx.InfluxDB({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 8086)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    username: config.username,
    password: config.password,
    options: { timeout: config.timeout_ms },
  } as Influx.ISingleHostConfig);
  await client.createDatabase(config.database);
  if (!config.retention) return;
  const policies = await client.showRetentionPolicies(config.database);
  const options = { database: config.database, duration: config.retention, replication: 1, isDefault: true };
  if (policies.some((p) => p.name === RETENTION_POLICY)) await client.alterRetentionPolicy(RETENTION_POLICY, options);
  else await client.createRetentionPolicy(RETENTION_POLICY, options);
}
