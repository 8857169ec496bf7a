/**
 * storage.influxdb.token goes into an HTTP header. A token with a line break inside (a secret file of two lines, the
 * token and a comment, read into the environment) was accepted, and every write then failed with the HTTP client's
 * 'Headers.append: "Token <the token>…" is an invalid header value': the token in the log and in /api/status. A
 * trailing newline (a Kubernetes secret from a file keeps it) is no part of the token: trimmed, as the client did.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { CONFIG_PATH, issuesOf } from '../helpers/config-issues.js';

const SECRET = 'tok-7Hq_Secret==';
const YAML =
  'sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, ' +
  'nodes: [{ channel: force, node_id: "ns=2;s=f" }] }\n' +
  'storage:\n  influxdb: { url: "http://influx:8086", database: plant, token: "${INFLUX_TOKEN}", buffer: { type: memory } }\n';

describe('storage.influxdb.token', () => {
  it.each([
    ['a line break inside', `${SECRET}\n# rotated 2026-12-01\n`],
    ['a carriage return inside', `${SECRET}\r\nx`],
    ['a space inside', `${SECRET} x`],
    ['a character beyond ASCII', `${SECRET}é`],
  ])('with %s is refused, naming the key and not quoting the token', async (_, token) => {
    const issues = await issuesOf(YAML, { INFLUX_TOKEN: token });
    expect(issues).toContain(
      'storage.influxdb.token: only visible ASCII characters, no space or line break inside (two lines in the secret?)',
    );
    expect(issues.join('\n')).not.toContain(SECRET);
  });

  it.each([
    ['as it is', SECRET],
    ['without the trailing newline of a secret file', `${SECRET}\n`],
  ])('a token of visible ASCII is taken %s', async (_, token) => {
    const loaded = await parseConfig(YAML, CONFIG_PATH, { INFLUX_TOKEN: token });
    expect(loaded.config.storage?.influxdb?.token).toBe(SECRET);
  });
});
