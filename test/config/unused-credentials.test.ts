/**
 * The loader's `credentials: 'unused'` (what `linewatch export` loads with): a credential from a variable that is not
 * set stays as written, and no token or key file is read; every other unset variable is still refused by its path, and
 * the default (run, validate) refuses them all. Regression of a newcomer's walk (2026-12-07): export refused
 * `http.api_token: environment variable LINEWATCH_API_TOKEN is not set`.
 */
import { describe, expect, it } from 'vitest';
import { credentialKey, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { CONFIG_PATH, issuesOf } from '../helpers/config-issues.js';

const SOURCE =
  'sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, username: "${UA_USER}", ' +
  'password: "${UA_PASSWORD}", nodes: [{ channel: force, node_id: "ns=2;s=f" }] }\n';
const YAML =
  SOURCE +
  'http: { host: 127.0.0.1, api_token: "${LINEWATCH_API_TOKEN}" }\n' +
  'storage:\n  influxdb: { url: "http://influx:8086", database: plant, token_file: /run/secrets/no-such-token, ' +
  'buffer: { type: memory } }\n';

const unused = (text: string, env: NodeJS.ProcessEnv = {}) =>
  parseConfig(text, CONFIG_PATH, env, { credentials: 'unused' });

describe("a configuration loaded with credentials: 'unused'", () => {
  it('keeps an unset credential as written and reads no token file', async () => {
    const { config } = await unused(YAML);
    expect(config.http.api_token).toBe('${LINEWATCH_API_TOKEN}');
    expect(config.sources[0]).toMatchObject({ username: '${UA_USER}', password: '${UA_PASSWORD}' });
    expect(config.storage?.influxdb?.token_file).toBe('/run/secrets/no-such-token');
  });

  it('substitutes a credential whose variable is set', async () => {
    const { config } = await unused(YAML, { LINEWATCH_API_TOKEN: 'a-token-of-24-characters' });
    expect(config.http.api_token).toBe('a-token-of-24-characters');
  });

  it('refuses an unset variable in a setting that is no credential, naming its path', async () => {
    const text = YAML.replace('opc.tcp://plc:4840', '${UA_ENDPOINT}');
    const err = await unused(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual(['sources[0].endpoint: environment variable UA_ENDPOINT is not set']);
  });

  it('is not the default: run and validate refuse every unset credential and the missing token file', async () => {
    expect(await issuesOf(YAML)).toEqual([
      'sources[0].username: environment variable UA_USER is not set',
      'sources[0].password: environment variable UA_PASSWORD is not set',
      'http.api_token: environment variable LINEWATCH_API_TOKEN is not set',
    ]);
    const set = { UA_USER: 'u', UA_PASSWORD: 'p', LINEWATCH_API_TOKEN: 'a-token-of-24-characters' };
    expect(await issuesOf(YAML, set)).toEqual([
      'storage.influxdb.token_file /run/secrets/no-such-token: cannot be read (no such file)',
    ]);
  });
});

describe('credentialKey', () => {
  it.each([
    'http.api_token',
    'http.read_token',
    'storage.influxdb.token',
    'storage.influxdb.password',
    'cloud.mqtt.username',
    'sources[2].password',
    'assets[0].alarm.actions[1].headers.Authorization',
    'assets[0].alarm.actions[1].headers.X-Api-Key',
  ])('takes %s for a credential', (path) => expect(credentialKey(path)).toBe(true));

  it.each(['data_dir', 'storage.local.path', 'sources[0].endpoint', 'sources[0].port', 'assets[0].model'])(
    'takes %s for none',
    (path) => expect(credentialKey(path)).toBe(false),
  );
});
