/**
 * Garbage on NCMD/DCMD stalled the event loop: each payload was decoded whatever its size and however many came
 * (a 60 KB one of repeated field tags took 2.9 ms to refuse). The gate drops what is over 4096 bytes undecoded, and
 * what comes once the 20 ms a second decoding may take are spent.
 */
import { describe, expect, it } from 'vitest';
import { CommandGate, MAX_DECODE_BYTES } from '../../../src/sinks/sparkplug/command-gate.js';

function gate() {
  let clock = 0;
  const g = new CommandGate(
    () => clock,
    () => 1_700_000_000_000 + clock,
  );
  /** A decode that takes `ms`. */
  const taking = (ms: number) => () => {
    clock += ms;
    return 'decoded';
  };
  return { g, taking, wait: (ms: number) => void (clock += ms) };
}

describe('CommandGate', () => {
  it('drops a payload over MAX_DECODE_BYTES without decoding it', () => {
    const { g } = gate();
    let decoded = 0;
    const decode = () => ++decoded;
    expect(g.pass(new Uint8Array(MAX_DECODE_BYTES), decode)).toEqual({ value: 1 });
    expect(g.pass(new Uint8Array(MAX_DECODE_BYTES + 1), decode)).toEqual({ dropped: 'too_large' });
    expect(decoded).toBe(1);
    expect(g.dropped()).toEqual({ tooLarge: 1, overBudget: 0, lastAt: 1_700_000_000_000 });
  });

  it('decodes while budget is left, charging each decode what it took, then again as the budget comes back', () => {
    const { g, taking, wait } = gate();
    expect(g.dropped()).toBeUndefined();
    const cmd = new Uint8Array(10);
    // 20 ms of budget, one decode of 25 ms: the next is dropped undecoded (the 25 ms gave back 0.5 ms).
    expect(g.pass(cmd, taking(25))).toEqual({ value: 'decoded' });
    expect(g.pass(cmd, taking(25))).toEqual({ dropped: 'over_budget' });
    // 250 ms later 5 ms more are back (20 ms a second): the debt is paid, one more is decoded.
    wait(250);
    expect(g.pass(cmd, taking(25))).toEqual({ value: 'decoded' });
    expect(g.pass(cmd, taking(25))).toEqual({ dropped: 'over_budget' });
    expect(g.dropped()).toEqual({ tooLarge: 0, overBudget: 2, lastAt: 1_700_000_000_000 + 300 });
  });

  it('charges a decode that throws (garbage) as one that succeeds', () => {
    const { g, wait } = gate();
    const throwing = () => {
      wait(30);
      throw new Error('index out of range');
    };
    expect(() => g.pass(new Uint8Array(10), throwing)).toThrow('index out of range');
    expect(g.pass(new Uint8Array(10), () => 'x')).toEqual({ dropped: 'over_budget' });
  });
});
