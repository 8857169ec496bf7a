/**
 * Regression: deep_nesting_ended_the_process. A signed configuration of brackets nested 100 000 deep (200 kB, under
 * max_message_bytes' 256 KiB) ran the YAML library's recursive composer out of stack; after a process had read one
 * such text (20 000 deep), the next ended it (V8's fatal "RegExpCompiler Allocation failed", no exception to catch).
 * Run in a child process (the built dist/, as the CLI tests use): it must end by itself, each text refused by its
 * depth. The same check covers every YAML file (local configuration, simulator's).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tooDeep } from '../../src/core/yaml-depth.js';
import { ROOT } from '../helpers/cli.js';

const CHILD = `
import { readRemoteTree } from './dist/remote-config/compose.js';
for (const n of [20000, 100000, 1000]) {
  try { readRemoteTree('a: ' + '['.repeat(n) + ']'.repeat(n) + '\\n', 'deep-' + n); console.log('taken'); }
  catch (err) { console.log(err.code + ' ' + err.message.replace(/\\n */g, ' ')); }
}`;

function runChild(): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('YAML nested deeper than a configuration', () => {
  it('refuses each deep text by its depth, and the process that read them goes on', async () => {
    const { code, signal, out } = await runChild();
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const depth =
      ': invalid configuration: line 1, column 67: mappings and lists nested more than 64 deep: a configuration is a few levels deep';
    expect(out.trim().split('\n')).toEqual([
      `invalid_config deep-20000${depth}`,
      `invalid_config deep-100000${depth}`,
      `invalid_config deep-1000${depth}`,
    ]);
  }, 60_000);

  it('measures flow and block nesting alike, and passes a configuration as deep as the schema goes', () => {
    const block = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' x\n';
    expect(tooDeep(block(64))).toBeUndefined();
    expect(tooDeep(block(65))).toEqual({ line: 65, col: 129 });
    expect(tooDeep(`${'- '.repeat(70)}x\n`, 64)).toEqual({ line: 1, col: 129 });
    expect(tooDeep(`${'- '.repeat(64)}x\n`, 64)).toBeUndefined();
    expect(tooDeep('a: [[[1]]]\n', 3)).toEqual({ line: 1, col: 6 });
    expect(tooDeep('a: [[[1]]]\n', 4)).toBeUndefined();
    expect(
      tooDeep(
        'sources:\n  - name: p\n    devices:\n      - registers:\n          - { channel: c, deadband: { type: x } }\n',
      ),
    ).toBeUndefined();
  });
});
