/**
 * What every request to InfluxDB shares, writes and database setup alike (pure): its URL, under storage.influxdb.url
 * with that URL's path kept (InfluxDB behind a reverse proxy at http://host/influx/ serves /influx/write and
 * /influx/query, never /write), and its credentials.
 */
import type { InfluxConfig } from './schema.js';

/** `endpoint` (`write`, `query`) under the configured URL, its path prefix kept, with `params` as the query string. */
export function influxUrl(base: string, endpoint: 'write' | 'query', params: Record<string, string>): string {
  const url = new URL(endpoint, base.endsWith('/') ? base : `${base}/`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** The Authorization header: a 2.x/3.x token (the one in use, `token`), else 1.x's basic auth where a user is set. */
export function credentialHeaders(
  config: Pick<InfluxConfig, 'username' | 'password'>,
  token: string | undefined,
): Record<string, string> {
  if (token) return { authorization: `Token ${token}` };
  if (!config.username) return {};
  const basic = Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64');
  return { authorization: `Basic ${basic}` };
}
