/** A reader that goes away (`linewatch eval | head -0`, a closed pipe) ends the command quietly: its own exit code, no
 * EPIPE stack. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

describe('linewatch writing into a closed pipe', () => {
  it('exits 0 without an unhandled EPIPE when the reader has closed the pipe before the output comes', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'eval', '--data', join(ROOT, 'data/skab/valve2'), '--precision', 'both'],
      { cwd: ROOT },
    );
    child.stdout.destroy(); // the reader is gone before the evaluation prints anything
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
