/** `did you mean …?`: the name a typo most likely meant, by one rule for keys, allowed values and model names. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues } from '../../src/core/format-issues.js';
import { nearestName, nearestNames, typoDistance } from '../../src/core/nearest-name.js';

describe('typoDistance', () => {
  it.each([
    ['scale', 'scale', 0],
    ['scael', 'scale', 1], // two neighbours swapped: one slip
    ['pump-hybird', 'pump-hybrid', 1],
    ['holdings', 'holding', 1],
    ['float33', 'float32', 1],
    ['poll_interval', 'poll_interval_ms', 3],
    ['', 'abc', 3],
    ['ca', 'abc', 3], // optimal string alignment: a swapped pair is not edited again
    ['kitten', 'sitting', 3],
  ])('%j to %j: %i', (a, b, d) => {
    expect(typoDistance(a, b)).toBe(d);
    expect(typoDistance(b, a)).toBe(d);
  });
});

describe('nearestName', () => {
  const keys = ['poll_interval_ms', 'unit_id', 'scale', 'channel', 'timeout_ms'];

  it('offers the nearest name, case no edit, and never the name itself', () => {
    expect(nearestName('poll_interval', keys)).toBe('poll_interval_ms');
    expect(nearestName('unit_idd', keys)).toBe('unit_id');
    expect(nearestName('Scale', keys)).toBe('scale');
    expect(nearestName('scael', keys)).toBe('scale');
    expect(nearestName('POLL_INTERVAL_MS', keys)).toBe('poll_interval_ms');
    expect(nearestName('holdings', ['holding', 'input', 'coil', 'discrete'])).toBe('holding');
    expect(nearestName('pump-hybird', ['press-ae', 'pump-ae', 'pump-conv-ae', 'pump-hybrid'])).toBe('pump-hybrid');
    // Valid in another branch, refused in this one: the nearest other name.
    expect(nearestName('publish_interval_ms', ['publish_interval_ms', 'poll_interval_ms'])).toBe('poll_interval_ms');
  });

  it('offers none where none is near or two are as near', () => {
    expect(nearestName('colour', keys)).toBeUndefined();
    expect(nearestName('ab', ['ac', 'ad'])).toBeUndefined();
    expect(nearestName('float', ['float32', 'float64'])).toBeUndefined();
  });

  // Regression: `tpu` was offered `cpu` (one letter of three): another kind of processor, no typo of this one.
  it('offers nothing that takes a third of the longer name or more in edits', () => {
    const providers = ['tensorrt', 'cuda', 'cpu'];
    expect(nearestName('tpu', providers)).toBeUndefined();
    expect(nearestName('gpu', providers)).toBeUndefined();
    expect(nearestName('cpu ', providers)).toBe('cpu'); // 1 of 4 letters: a slip
    expect(nearestName('CPU', providers)).toBe('cpu');
    expect(nearestName('cdua', providers)).toBe('cuda'); // 1 of 4
    expect(nearestName('coda', providers)).toBe('cuda');
    expect(nearestName('scalar', keys)).toBeUndefined(); // 2 of 6
    expect(nearestName('tensort', providers)).toBe('tensorrt'); // 1 of 8
    expect(nearestName('tenrt', providers)).toBeUndefined(); // 3 of 8
  });

  it('answers at once where lengths alone rule a name out: a 20,000-letter name against 300 of 200 letters', () => {
    // A model path, a key or a CSV column of any length comes from a file: each comparison costs the product of the
    // lengths, so this took 15 s (and a longer name longer) before names too far apart in length were skipped.
    const folders = Array.from({ length: 300 }, (_, i) => `m${String(i).padStart(199, '0')}`);
    expect(nearestName('x'.repeat(20_000), folders)).toBeUndefined();
    expect(nearestName('scael', ['y'.repeat(1_000_000), 'scale'])).toBe('scale');
  }, 2000);

  it('skips by length only names it would not offer (the same answer as comparing every name)', () => {
    // The rule spelled out with no shortcut: the nearest under a third of the longer name's letters, and only one.
    const everyName = (typed: string, known: readonly string[]) => {
      const near = known
        .filter((k) => k !== typed)
        .map((k) => ({ k, d: typoDistance(typed.toLowerCase(), k.toLowerCase()) }))
        .filter(({ k, d }) => d * 3 < Math.max(typed.length, k.length));
      const best = Math.min(...near.map(({ d }) => d));
      const at = [...new Set(near.filter(({ d }) => d === best).map(({ k }) => k))];
      return at.length === 1 ? at[0] : undefined;
    };
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'İ', 'ß', '-'), maxLength: 12 });
    fc.assert(
      fc.property(name, fc.array(name, { maxLength: 8 }), (typed, known) => {
        expect(nearestName(typed, known)).toBe(everyName(typed, known));
      }),
      { numRuns: 3000 },
    );
  });

  it("is the rule formatIssues uses for a key and for a value, in the configuration's own words", () => {
    const schema = z.strictObject({ provider: z.enum(['tensorrt', 'cuda', 'cpu']), scale: z.number() });
    const input = { provider: 'tpu', scael: 2 };
    const lines = formatIssues(schema.safeParse(input).error!.issues, schema, input);
    expect(lines).toContain('provider: expected one of "tensorrt", "cuda", "cpu"');
    expect(lines).toContain('scael: unknown key; did you mean scale?');
    const coda = { provider: 'coda', scale: 1 };
    expect(formatIssues(schema.safeParse(coda).error!.issues, schema, coda)).toEqual([
      'provider: expected one of "tensorrt", "cuda", "cpu"; did you mean "cuda"?',
    ]);
  });
});

// Regression: `type: float` listed the allowed types and suggested nothing, float32 and float64 being equally near.
describe('nearestNames', () => {
  it('offers every name equally near, and none where none is near enough', () => {
    expect(nearestNames('float', ['int16', 'float32', 'float64', 'string'])).toEqual(['float32', 'float64']);
    expect(nearestNames('float33', ['float32', 'float64'])).toEqual(['float32']);
    expect(nearestNames('colour', ['scale', 'unit'])).toEqual([]);
  });

  it('is offered for a value not allowed: "float" is float32 or float64', () => {
    const schema = z.strictObject({ type: z.enum(['int16', 'float32', 'float64']) });
    const input = { type: 'float' };
    expect(formatIssues(schema.safeParse(input).error!.issues, schema, input)).toEqual([
      'type: expected one of "int16", "float32", "float64"; did you mean "float32" or "float64"?',
    ]);
  });
});
