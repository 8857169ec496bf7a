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

describe('the operator API beyond loopback', () => {
  it('needs a token: a config listening on 0.0.0.0 without one is refused with the fix named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-exposed-'));
    const base =
      'sources:\n  - { name: plc, type: modbus_tcp, host: 127.0.0.1, asset: a, registers: [{ channel: x, address: 0, type: uint16 }] }\nassets: []\n';
    await writeFile(join(dir, 'open.yaml'), `http: { host: 0.0.0.0 }\n${base}`);
    await expect(loadConfigFile(join(dir, 'open.yaml'), {})).rejects.toThrow(
      'http.host: 0.0.0.0 opens the API beyond this machine: set http.read_token (and http.api_token for acknowledge and shelve), or listen on 127.0.0.1',
    );
    await writeFile(join(dir, 'closed.yaml'), `http: { host: 0.0.0.0, read_token: read-token-0123456789 }\n${base}`);
    expect((await loadConfigFile(join(dir, 'closed.yaml'), {})).config.http).toMatchObject({
      host: '0.0.0.0',
      read_token: 'read-token-0123456789',
    });
    // a name that only starts like a loopback address is a name: it may resolve to any machine
    await writeFile(join(dir, 'named.yaml'), `http: { host: 127.plant.local }\n${base}`);
    await expect(loadConfigFile(join(dir, 'named.yaml'), {})).rejects.toThrow(
      'http.host: 127.plant.local opens the API beyond this machine: set http.read_token',
    );
    await writeFile(join(dir, 'local.yaml'), `http: { host: 127.0.0.1 }\n${base}`);
    expect((await loadConfigFile(join(dir, 'local.yaml'), {})).config.http).toMatchObject({
      host: '127.0.0.1',
      enabled: true,
    });
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
