import { describe, expect, it } from 'vitest';
import { renderBar, terminalProgress } from '../../src/core/progress.js';

describe('progress bars', () => {
  it('fills in proportion, clamped', () => {
    expect(renderBar(0, 4, 8)).toBe('[--------]');
    expect(renderBar(1, 4, 8)).toBe('[##------]');
    expect(renderBar(9, 4, 8)).toBe('[########]');
  });

  it('redraws one line on a terminal and ends it; stays silent (returns nothing) off a terminal', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 80, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = terminalProgress(tty)!;
    bar.update('epoch', 1, 2, 'train 0.5');
    bar.update('epoch', 2, 2, 'train 0.4');
    bar.end();
    expect(written).toEqual([
      '\r\x1b[2Kepoch [############------------] 1/2  train 0.5',
      '\r\x1b[2Kepoch [########################] 2/2  train 0.4',
      '\n',
    ]);
    expect(terminalProgress({ isTTY: false } as unknown as NodeJS.WriteStream)).toBeUndefined();
  });
});
