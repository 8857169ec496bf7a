/**
 * A part model's manifest records the hold its parts were cut at (training.parts.window.max_sample_age_ms), where train
 * was given one, and reads it back for eval and quantize; a manifest without it (every model before 2026-12-08, and
 * those trained at the default) was cut at the window's default.
 */
import { describe, expect, it } from 'vitest';
import { cycleWindowConfig, partCutOf, type PartCut } from '../../src/windows/cycle/part-cut.js';

const cut: PartCut = { cycleChannel: 'cycle_active', trigger: 'flag', minRows: 5, maxRows: 10_000 };

describe('part cut: the hold', () => {
  it('records a given hold as the window key and reads it back', () => {
    const window = cycleWindowConfig({ ...cut, maxSampleAgeMs: 316 });
    expect(window.max_sample_age_ms).toBe(316);
    expect(partCutOf({ parts: { window } })).toEqual({ ...cut, maxSampleAgeMs: 316 });
  });

  it('records none at the default, and an old manifest reads back without one', () => {
    const window = cycleWindowConfig(cut);
    expect(window).not.toHaveProperty('max_sample_age_ms');
    expect(partCutOf({ parts: { window } })).toEqual(cut);
  });

  it('refuses a recorded hold that is no whole number of ms, naming the field', () => {
    const window = { ...cycleWindowConfig(cut), max_sample_age_ms: '316' };
    expect(() => partCutOf({ parts: { window } })).toThrow(
      'training.parts.window.max_sample_age_ms: "316": expected a whole number of ms from 1 (the hold the parts were cut at)',
    );
  });
});
