/** Outside input to the configuration and the signing keys: typed env values, YAML bombs, key files that exist. */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.js';
import { loadConfigFile } from '../../src/config/load.js';
import { parseYamlDocument } from '../../src/core/yaml-document.js';
import { generateKeys } from '../../src/sync/release.js';
import { ROOT } from '../helpers/cli.js';

const schema = z.strictObject({
  password: z.string(),
  port: z.number(),
  items: z.array(z.strictObject({ token: z.string(), on: z.boolean() })).default([]),
});

describe('${ENV} values and the schema', () => {
  it('a password of digits stays text where the schema wants text; a port stays a number', () => {
    const env = { PW: '012345', PORT: '8086', TOKEN: '42', ON: 'true' };
    const parsed = parseYamlDocument(
      schema,
      'password: ${PW}\nport: ${PORT}\nitems:\n  - { token: "${TOKEN}", on: "${ON}" }\n',
      'c.yaml',
      env,
    );
    expect(parsed).toEqual({ password: '012345', port: 8086, items: [{ token: '42', on: true }] });
  });

  it('a value that is wrong for its own reasons is still reported with its path', () => {
    expect(() => parseYamlDocument(schema, 'password: x\nport: ${PORT}\n', 'c.yaml', { PORT: 'abc' })).toThrow(
      new ConfigError('c.yaml', ['port: Invalid input: expected number, received string']),
    );
  });
});

describe('YAML that attacks the parser', () => {
  it('an alias bomb is a configuration error naming the file, not a crash', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
    ].join('\n');
    let error: unknown;
    try {
      parseYamlDocument(schema, bomb, 'bomb.yaml', {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /^invalid configuration bomb\.yaml:\n {2}YAML: Excessive alias count indicates a resource exhaustion attack/,
    );
  });

  it('an alias inside what its anchor names (a loop) is a configuration error at its path, not a stack overflow', () => {
    const loop = 'holds itself through a YAML alias (an anchor &name used as *name inside what it names)';
    const cannot = 'a configuration cannot be a loop';
    expect(() => parseYamlDocument(schema, 'items: &x [*x]\n', 'loop.yaml', {})).toThrow(
      new ConfigError('loop.yaml', [`items[0]: ${loop}: ${cannot}`]),
    );
    expect(() => parseYamlDocument(schema, 'password: x\nitems:\n  - &m\n    token: *m\n', 'loop.yaml', {})).toThrow(
      new ConfigError('loop.yaml', [`items[0].token: ${loop}: ${cannot}`]),
    );
    // The same anchor used twice beside itself is no loop.
    expect(
      parseYamlDocument(schema, 'password: x\nport: 1\nitems: [&i {token: a, on: true}, *i]\n', 'ok.yaml', {}),
    ).toEqual({
      password: 'x',
      port: 1,
      items: [
        { token: 'a', on: true },
        { token: 'a', on: true },
      ],
    });
  });
});

describe('model keygen', () => {
  it('writes the private key readable by its owner only, and refuses to overwrite either key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-keys-'));
    const { privatePath } = await generateKeys(dir);
    expect((await stat(privatePath)).mode & 0o777).toBe(0o600);
    await expect(generateKeys(dir)).rejects.toThrow(
      `${privatePath} already exists: refusing to overwrite a signing key (move it away first)`,
    );
  });
});

const EXPOSED_BASE =
  'sources:\n  - { name: plc, type: modbus_tcp, host: 127.0.0.1, asset: a, registers: [{ channel: x, address: 0, type: uint16 }] }\nassets: []\n';
const OPEN_READS = (host: string) =>
  `http.host: ${host} opens the API beyond this machine, and without http.read_token anyone who reaches it reads ` +
  '/api/status, /api/alarms and /api/events: set http.read_token (the api_token may serve as both; http.api_token ' +
  'for acknowledge and shelve), or http.public_reads: true to serve them without a token, or listen on 127.0.0.1';

describe('the operator API beyond loopback', () => {
  it('needs a token: a config listening on 0.0.0.0 without one is refused with the fix named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-exposed-'));
    await writeFile(join(dir, 'open.yaml'), `http: { host: 0.0.0.0 }\n${EXPOSED_BASE}`);
    await expect(loadConfigFile(join(dir, 'open.yaml'), {})).rejects.toThrow(
      `${dir}/open.yaml:\n  ${OPEN_READS('0.0.0.0')}`,
    );
    await writeFile(
      join(dir, 'closed.yaml'),
      `http: { host: 0.0.0.0, read_token: read-token-0123456789 }\n${EXPOSED_BASE}`,
    );
    expect((await loadConfigFile(join(dir, 'closed.yaml'), {})).config.http).toMatchObject({
      host: '0.0.0.0',
      read_token: 'read-token-0123456789',
      public_reads: false,
    });
    // a name that only starts like a loopback address is a name: it may resolve to any machine
    await writeFile(join(dir, 'named.yaml'), `http: { host: 127.plant.local }\n${EXPOSED_BASE}`);
    await expect(loadConfigFile(join(dir, 'named.yaml'), {})).rejects.toThrow(OPEN_READS('127.plant.local'));
    await writeFile(join(dir, 'local.yaml'), `http: { host: 127.0.0.1 }\n${EXPOSED_BASE}`);
    expect((await loadConfigFile(join(dir, 'local.yaml'), {})).config.http).toMatchObject({
      host: '127.0.0.1',
      enabled: true,
    });
  });

  // Regression (review s34, finding 1): api_token alone beyond loopback was taken, and its reads were open to anyone
  // on the plant network, although the check's own message asked for read_token.
  it('needs read_token where only api_token is set on 0.0.0.0, unless public_reads says the reads are open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-exposed-'));
    await writeFile(
      join(dir, 'writes.yaml'),
      `http: { host: 0.0.0.0, api_token: api-token-0123456789 }\n${EXPOSED_BASE}`,
    );
    await expect(loadConfigFile(join(dir, 'writes.yaml'), {})).rejects.toThrow(OPEN_READS('0.0.0.0'));
    // with the write API or without (then read-only: writes are refused, 403)
    for (const tokens of ['api_token: api-token-0123456789, ', '']) {
      await writeFile(
        join(dir, 'public.yaml'),
        `http: { host: 0.0.0.0, ${tokens}public_reads: true }\n${EXPOSED_BASE}`,
      );
      expect((await loadConfigFile(join(dir, 'public.yaml'), {})).config.http).toMatchObject({
        host: '0.0.0.0',
        public_reads: true,
      });
    }
    // on loopback, api_token alone stays as it was: reads open to this machine under a loopback name
    await writeFile(
      join(dir, 'local.yaml'),
      `http: { host: 127.0.0.1, api_token: api-token-0123456789 }\n${EXPOSED_BASE}`,
    );
    expect((await loadConfigFile(join(dir, 'local.yaml'), {})).config.http.public_reads).toBe(false);
    await writeFile(
      join(dir, 'both.yaml'),
      `http: { host: 0.0.0.0, read_token: read-token-0123456789, public_reads: true }\n${EXPOSED_BASE}`,
    );
    await expect(loadConfigFile(join(dir, 'both.yaml'), {})).rejects.toThrow(
      'http.public_reads: true serves /api/ reads without a token, and http.read_token asks for one: remove one of them',
    );
  });

  it('needs room for requests beside event streams: max_connections not above max_event_streams is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-connections-'));
    const base =
      'sources:\n  - { name: plc, type: modbus_tcp, host: 127.0.0.1, asset: a, registers: [{ channel: x, address: 0, type: uint16 }] }\nassets: []\n';
    await writeFile(join(dir, 'tight.yaml'), `http: { max_connections: 32 }\n${base}`);
    await expect(loadConfigFile(join(dir, 'tight.yaml'), {})).rejects.toThrow(
      'http.max_connections: 32 is not above http.max_event_streams 32: each event stream holds a connection, and ' +
        'requests (/healthz, /metrics, /api/status) need some too; raise max_connections or lower max_event_streams',
    );
    await writeFile(join(dir, 'default.yaml'), base);
    expect((await loadConfigFile(join(dir, 'default.yaml'), {})).config.http).toMatchObject({
      max_connections: 128,
      headers_timeout_ms: 10_000,
    });
  });

  it('the compose gateway config has no default token: without LINEWATCH_API_TOKEN it does not load', async () => {
    await expect(
      loadConfigFile(join(ROOT, 'deploy/compose/linewatch.yaml'), { LINEWATCH_MODELS: join(ROOT, 'models') }),
    ).rejects.toThrow('http.api_token: environment variable LINEWATCH_API_TOKEN is not set');
  });
});
