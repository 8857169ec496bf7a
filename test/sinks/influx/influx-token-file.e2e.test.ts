/**
 * storage.influxdb.token_file: the API token from a Docker or Kubernetes secret file, read at start, with real files.
 * The file is bounded, one trailing newline is taken off, anything else that cannot be one token is refused with the
 * key and the file named (never the token); validate reads it as the start does; the token reaches a real influxd
 * (behind a proxy that keeps each request's headers) in `Authorization: Token …` and no log line.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MemoryQueue } from '../../../src/buffer/memory-queue.js';
import { parseConfig } from '../../../src/config/load.js';
import { influxSchema } from '../../../src/config/schema.js';
import { influxSinkType } from '../../../src/sinks/influx/sink-type.js';
import { readTokenFile, TOKEN_FILE_MAX_BYTES } from '../../../src/sinks/influx/token-file.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { sampleRun } from '../../../src/testing/samples.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { startFaultProxy } from '../../helpers/http-faults.js';
import { logLines } from '../../helpers/log-lines.js';
import { suiteServer } from '../../helpers/suite-server.js';

const influx = suiteServer(() => startInfluxd());
const TOKEN = 'tokfile-7Hq2_Secret==';
const dir = mkdtempSync(join(tmpdir(), 'lw-token-file-'));
/** A real file holding `content`, by name under this suite's folder. */
function secretFile(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('reading the token file', () => {
  it.each([
    ['a trailing newline (echo, most editors)', `${TOKEN}\n`],
    ['a trailing CRLF (an editor on Windows)', `${TOKEN}\r\n`],
    ['no newline (kubectl create secret --from-literal)', TOKEN],
  ])('takes the token from a file with %s', (_, content) => {
    expect(readTokenFile(secretFile(`ok-${content.length}`, content))).toBe(TOKEN);
  });

  it(`takes a file of exactly ${TOKEN_FILE_MAX_BYTES} bytes`, () => {
    expect(readTokenFile(secretFile('max', 'a'.repeat(TOKEN_FILE_MAX_BYTES)))).toHaveLength(TOKEN_FILE_MAX_BYTES);
  });

  it.each([
    ['missing', () => join(dir, 'absent'), 'cannot be read (no such file)'],
    ['a folder', () => (mkdirSync(join(dir, 'folder')), join(dir, 'folder')), 'not a plain file'],
    ['empty', () => secretFile('empty', ''), 'empty: it should hold the API token'],
    ['a newline alone', () => secretFile('newline', '\n'), 'empty: it should hold the API token'],
    ['over the bound', () => secretFile('big', Buffer.alloc(TOKEN_FILE_MAX_BYTES + 1, 'a')), 'more than 4096 bytes'],
    [
      'two trailing newlines',
      () => secretFile('two-newlines', `${TOKEN}\n\n`),
      `a space, line break, control or non-ASCII character at character ${TOKEN.length + 1} of ${TOKEN.length + 1}`,
    ],
    [
      'two lines',
      () => secretFile('two-lines', `${TOKEN}\nother\n`),
      'a space, line break, control or non-ASCII character',
    ],
    [
      'a space inside',
      () => secretFile('space', `Token ${TOKEN}`),
      'a space, line break, control or non-ASCII character at character 6',
    ],
    [
      'a non-ASCII character inside (the token setting refuses it too)',
      () => secretFile('accent', `abc\u00e9${TOKEN}`),
      'a space, line break, control or non-ASCII character at character 4',
    ],
  ])('refuses a file that is %s, naming the key and the file, never the token', (_, make, why) => {
    const path = make();
    let message = '';
    try {
      readTokenFile(path);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.startsWith(`storage.influxdb.token_file ${path}: ${why}`), message).toBe(true);
    expect(message).not.toContain(TOKEN);
  });
});

describe('token_file in the configuration', () => {
  it.each([
    ['token_file', { token: TOKEN }, 'not with token: set the token, or the file that holds it, not both'],
    ['username', { username: 'u', password: 'p' }, 'not with token_file: a token replaces username and password'],
    ['retention', { retention: '30d' }, 'not with token_file: set the retention of the 2.x bucket'],
  ])('refuses %s beside it, naming the key', (key, extra, message) => {
    const parsed = influxSchema.safeParse({ url: 'http://influx:8086', database: 'd', token_file: '/t', ...extra });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message.slice(0, message.length)])).toContainEqual([
      key,
      message,
    ]);
  });

  it('validate reads the file, relative to the configuration, and names it where it cannot be used', async () => {
    const demo = YAML.parse(await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'));
    const withFile = (token_file: string) =>
      YAML.stringify({ ...demo, storage: { influxdb: { url: 'http://influx:8086', database: 'd', token_file } } });
    const configPath = join(ROOT, 'config/demo.yaml');
    const env = { LINEWATCH_DEMO_MODBUS_PORT: '5020' };
    await expect(parseConfig(withFile('secrets/influx_token'), configPath, env)).rejects.toThrow(
      `storage.influxdb.token_file ${join(ROOT, 'config/secrets/influx_token')}: cannot be read (no such file)`,
    );
    const loaded = await parseConfig(withFile(secretFile('valid', `${TOKEN}\n`)), configPath, env);
    expect(loaded.config.storage.influxdb?.token_file).toBe(join(dir, 'valid'));
    expect(JSON.stringify(loaded.config)).not.toContain(TOKEN); // the configuration holds the path, not the token
  });

  // Regression: the file was opened waiting for a writer; a FIFO there blocked validate, the start and (read again at
  // a 401) the whole gateway for ever. A real mkfifo, the built command.
  it('validate names a FIFO as token_file at once (the open does not wait for a writer)', async () => {
    const demo = YAML.parse(await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'));
    for (const asset of demo.assets) asset.model = join(ROOT, 'config', asset.model);
    const fifo = join(dir, 'fifo-secret');
    execFileSync('mkfifo', [fifo]);
    const configPath = join(dir, 'fifo-secret.yaml');
    demo.storage = { influxdb: { url: 'http://influx:8086', database: 'd', token_file: fifo } };
    await writeFile(configPath, YAML.stringify(demo));
    const validated = await runCli(['validate', '-c', configPath], { LINEWATCH_DEMO_MODBUS_PORT: '5020' }, 20_000);
    expect([validated.code, validated.stderr.trim()]).toEqual([
      2,
      `linewatch: invalid configuration ${configPath}:\n  storage.influxdb.token_file ${fifo}: not a plain file (a secret file holding the token is expected)`,
    ]);
  });
});

describe('a sink with token_file', () => {
  it('sends the token it read as "Authorization: Token …" on every write, and logs it nowhere', async () => {
    await influx().query('_internal', 'CREATE DATABASE plant_token_file');
    const proxy = await startFaultProxy(influx().url, '/write', [
      { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' },
    ]);
    const log = logLines();
    try {
      const config = influxSchema.parse({
        url: proxy.url,
        database: 'plant_token_file',
        token_file: secretFile('for-sink', `${TOKEN}\n`),
        flush_interval_ms: 60_000,
        buffer: { type: 'memory' },
      });
      const s = influxSinkType.create(config, {
        logger: log.logger,
        metrics: new GatewayMetrics(),
        tags: { site: 's', line: 'l', gateway: 'g' },
        openQueue: () => new MemoryQueue(1 << 20),
      });
      s.write({ samples: sampleRun(30, Date.now() - 10_000), scores: [], alarms: [] });
      await s.flush();
      expect(log.at(50)).toEqual([expect.stringContaining('refused the write with the configured token (HTTP 401')]);
      await s.close(); // tries once more, whatever the backoff
      const counted = await influx().query('plant_token_file', 'SELECT COUNT(value) FROM linewatch_sample');
      expect(counted[0]?.values[0][1]).toBe(30);
      // Every request a write: no CREATE DATABASE with a token.
      expect(proxy.requests.map((r) => [r.url.split('?')[0], r.headers.authorization])).toEqual([
        ['/write', `Token ${TOKEN}`],
        ['/write', `Token ${TOKEN}`],
      ]);
      expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
    } finally {
      await proxy.close();
    }
  });
});
