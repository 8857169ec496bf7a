/**
 * The command-line conventions, the CLI in a child process: --version, init then validate, exit 2
 * for every kind of usage error with the flag named, LINEWATCH_CONFIG, and the log format off a
 * terminal (JSON lines, never colour) and on one (readable lines, colour unless NO_COLOR).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINEWATCH_VERSION } from '../../src/core/version.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';

const ESC = '\u001b[';
const DEMO = ['demo', '--duration-s', '1', '--http-port', '0'];

describe('linewatch --version', () => {
  it.each([['--version'], ['-V']])('%s prints the versions and exits 0', async (flag) => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const ort = JSON.parse(await readFile(join(ROOT, 'node_modules/onnxruntime-node/package.json'), 'utf8'));
    const res = await runCli([flag]);
    expect(res.code).toBe(0);
    expect(LINEWATCH_VERSION).toBe(pkg.version);
    expect(res.stdout).toBe(
      `linewatch ${pkg.version} (onnxruntime-node ${ort.version as string}, node ${process.versions.node})\n`,
    );
  });
});

describe('linewatch init', () => {
  it('writes a starter config that validate accepts, and refuses to overwrite it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-init-'));
    const file = join(dir, 'gw.yaml');
    const init = await runCli(['init', '--out', file]);
    expect(init.code).toBe(0);
    expect(init.stderr).toBe('');
    const written = await readFile(file, 'utf8');
    expect(written.startsWith('# linewatch starter configuration, written by `linewatch init`.\n')).toBe(true);
    const validate = await runCli(['validate', '--config', file]);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toBe(
      `${file}: OK (1 source(s), 7 tag(s), 1 asset(s) with models: pump-1=pump-hybrid@1.0.0)\n`,
    );
    const again = await runCli(['init', '--out', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`linewatch: --out ${file}: the file exists; linewatch init does not overwrite it\n`);
    expect(await readFile(file, 'utf8')).toBe(written);
  });
});

describe('usage errors exit 2 and name the flag', () => {
  const missing = join(tmpdir(), 'lw-no-such-path', 'x');
  it.each([
    ['no command', [], 'Usage: linewatch [options] [command]'],
    ['an unknown command', ['frobnicate'], "error: unknown command 'frobnicate'"],
    ['an unknown option', ['validate', '-c', 'config/demo.yaml', '--bogus'], "error: unknown option '--bogus'"],
    ['a required option left out', ['run'], "error: required option '-c, --config <file>' not specified"],
    ['a value not among the choices', ['--log-level', 'loud', 'init'], "option '--log-level <level>' argument 'loud'"],
    [
      'a missing config file',
      ['validate', '--config', missing],
      `linewatch: --config ${missing}: no such file or folder`,
    ],
    ['a missing data folder', ['eval', '--data', missing], `linewatch: --data ${missing}: no such file or folder`],
    [
      'a missing CSV',
      ['train', '--csv', missing, '--out', missing],
      `linewatch: --csv ${missing}: no such file or folder`,
    ],
    [
      'a missing key',
      ['model', 'sign', '--model', 'models/pump-ae', '--key', missing],
      `linewatch: --key ${missing}: no such file or folder`,
    ],
    ['a missing output folder', ['init', '--out', missing], `linewatch: --out ${missing}: no such folder`],
    [
      'a port that is not a number',
      ['demo', '--http-port', 'abc'],
      'linewatch: --http-port abc: expected a port number',
    ],
    ['a port out of range', ['simulate', '--modbus-port', '70000'], 'linewatch: --modbus-port 70000: expected a port'],
    [
      'a duration that is not a number',
      ['demo', '--duration-s', 'soon'],
      'linewatch: --duration-s soon: expected a number',
    ],
    [
      'a bad flag value',
      ['eval', '--data', 'data', '--precision', 'int4'],
      'linewatch: --precision int4: expected one of int8, fp32, both',
    ],
  ])('%s', async (_, args, message) => {
    const res = await runCli(args);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stderr).not.toContain('    at '); // a message, not a stack trace
  });
});

describe('LINEWATCH_CONFIG', () => {
  it('is the config when --config is not given', async () => {
    const res = await runCli(['validate'], { LINEWATCH_CONFIG: 'config/demo.yaml' });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('demo.yaml: OK (2 source(s)');
  });

  it('gives way to --config', async () => {
    const res = await runCli(['validate', '--config', 'config/demo.yaml'], { LINEWATCH_CONFIG: '/nonexistent.yaml' });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('demo.yaml: OK');
  });

  it('is named when it points at nothing', async () => {
    const res = await runCli(['validate'], { LINEWATCH_CONFIG: '/nonexistent.yaml' });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('linewatch: --config /nonexistent.yaml (from LINEWATCH_CONFIG): no such file or folder\n');
  });
});

describe('logs', () => {
  it('are JSON lines without colour off a terminal, at the level LINEWATCH_LOG_LEVEL asks', async () => {
    const res = await runCli(DEMO, { LINEWATCH_LOG_LEVEL: 'info', FORCE_COLOR: '1' }, 60_000);
    expect(res.code).toBe(0);
    const lines = res.stderr.trim().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(entries.map((e) => e.msg)).toContain('gateway running');
    expect(entries.every((e) => e.level >= 30)).toBe(true);
    expect(res.stderr).not.toContain(ESC);
  }, 60_000);

  it('follow --log-level over LINEWATCH_LOG_LEVEL', async () => {
    const res = await runCli([...DEMO, '--log-level', 'error'], { LINEWATCH_LOG_LEVEL: 'info' }, 60_000);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(''); // the info lines of the test above are gone
  }, 60_000);

  // `script` gives the command a terminal; its output is what the terminal shows.
  const onTerminal = (env: NodeJS.ProcessEnv) =>
    spawnSync('script', ['-qec', `${process.execPath} ${BIN} ${DEMO.join(' ')} --log-level info`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('are readable lines in colour on a terminal', () => {
    const res = onTerminal({ NO_COLOR: '' });
    expect(res.status).toBe(0);
    const line = res.stdout.split('\n').find((l) => l.includes('gateway running'));
    const time = line?.slice(ESC.length + 3, ESC.length + 15) ?? '';
    expect(time).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    expect(line?.startsWith(`${ESC}90m${time}${ESC}0m ${ESC}32mINFO ${ESC}0m gateway running  `)).toBe(true);
  }, 60_000);

  it('are readable lines without colour on a terminal with NO_COLOR', () => {
    const res = onTerminal({ NO_COLOR: '1' });
    expect(res.status).toBe(0);
    const line = res.stdout.split('\n').find((l) => l.includes('gateway running'));
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}gateway running {2}sources=2 assets=2 sinks=\["local"\]/);
    expect(res.stdout).not.toContain(ESC);
  }, 60_000);
});
