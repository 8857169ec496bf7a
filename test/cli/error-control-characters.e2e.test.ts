/**
 * A command's error quotes what came from outside (a CSV's header here; a release manifest, a store's names): its
 * control characters reach the terminal as text, never obeyed. The built command, a real file whose first column's
 * name holds CSI 2J and 3J (clear the screen and the scrollback) and a C1 CSI (a colour, in UTF-8 as C2 9B).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printableLines } from '../../src/core/printable.js';
import { runCli } from '../helpers/cli.js';

describe('printableLines', () => {
  it('writes each control character as text but a line break and a tab', () => {
    expect(printableLines('a\u001b[2J\tb\nc\r\u0007\u007f\u009b1m')).toBe(
      'a\\u001b[2J\tb\nc\\r\\u0007\\u007f\\u009b1m',
    );
  });
});

describe("a command's error", () => {
  // Regression: written raw to stderr, the terminal cleared its screen and scrollback and took the colour.
  it("shows the escape sequences a CSV's header holds as text", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-error-controls-'));
    const csv = join(dir, 'historian.csv');
    await writeFile(csv, 'stamp\u001b[2J\u001b[3J\u009b31mfake,flow\nabc,1\nabd,2\n');
    const { code, stderr } = await runCli(['train', '--csv', csv, '--out', join(dir, 'model')], {}, 60_000);
    expect(code).toBe(1);
    expect(stderr).toContain(`its first column "stamp\\u001b[2J\\u001b[3J\\u009b31mfake" holds "abc" (line 2)`);
    // eslint-disable-next-line no-control-regex
    expect(stderr.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g)).toBeNull();
  });
});
