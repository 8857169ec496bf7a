/** RepeatedErrors: the same error for every message is reported once a minute, with the count of the rest. */
import { describe, expect, it } from 'vitest';
import { RepeatedErrors } from '../../src/node-red/repeated-errors.js';

describe('RepeatedErrors', () => {
  it('reports the first, counts the same one within the interval, and reports it again after with the count', () => {
    let now = 0;
    const repeats = new RepeatedErrors(60_000, () => now);
    const err = new Error('window pump-1 is not set up: model x: no such file');
    expect(repeats.admit(err)).toBe(err);
    for (now = 200; now < 60_000; now += 200) expect(repeats.admit(err)).toBeUndefined();
    expect(repeats.admit(err)?.message).toBe(
      'window pump-1 is not set up: model x: no such file (and 299 more like it since, not reported one by one)',
    );
    now += 200;
    expect(repeats.admit(err)).toBeUndefined();
  });

  it('reports another error at once, and the first error again after a message was taken', () => {
    let now = 0;
    const repeats = new RepeatedErrors(60_000, () => now);
    const a = new Error('msg.payload.a: expected a number');
    const b = new Error('msg.payload.b: expected a number');
    expect(repeats.admit(a)).toBe(a);
    now = 100;
    expect(repeats.admit(b)).toBe(b);
    now = 200;
    expect(repeats.admit(a)).toBe(a);
    repeats.taken();
    now = 300;
    expect(repeats.admit(a)).toBe(a);
  });
});
