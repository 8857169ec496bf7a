/** The demo's third line: how long it runs, how to stop it, and the next step for a newcomer. */
import { describe, expect, it } from 'vitest';
import { demoPlan } from '../../src/cli/demo.js';

describe('demoPlan', () => {
  it('a timed demo: its duration and that Ctrl-C stops it sooner', () => {
    expect(demoPlan(90)).toBe(
      'runs 90 s (Ctrl-C stops it sooner), then prints a one-line JSON summary; your own PLC next: linewatch init (docs/config-guide.md)',
    );
  });

  it('--duration-s 0: it runs until Ctrl-C', () => {
    expect(demoPlan(0)).toBe(
      'runs until Ctrl-C, then prints a one-line JSON summary; your own PLC next: linewatch init (docs/config-guide.md)',
    );
  });
});
