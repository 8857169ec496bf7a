/** A reader that stops early (`linewatch eval | head -1`) ends the command quietly: exit 0, no EPIPE stack. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers/cli.js';

describe('linewatch writing into a closed pipe', () => {
  it('exits 0 without an unhandled EPIPE when the reader goes away after the first line', async () => {
    const child = spawn(process.execPath, [BIN, 'eval', '--data', join(ROOT, 'data/skab/valve2'), '--precision', 'both'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for await (const line of createInterface({ input: child.stdout })) {
      expect(line).toMatch(/^int8 +4 files +F1 /);
      break;
    }
    child.stdout.destroy(); // as `head -1` does
    expect(await exited).toBe(0);
    expect(stderr).not.toContain('EPIPE');
  }, 60_000);
});
