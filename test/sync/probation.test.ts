/** A model on probation counts failed runs and anomalous windows, and says when to roll back and why. */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/core/components.js';
import type { ScoreResult, Window } from '../../src/core/types.js';
import { ProbationModel } from '../../src/sync/probation.js';

/** Judges each window anomalous when its first value is above 0; fails a run holding a NaN (fault injection). */
function model(): Model & { closed: number } {
  return {
    name: 'pump-ae',
    version: '1.1.0',
    channels: ['a'],
    windowLength: 1,
    samplePeriodMs: 200,
    threshold: 0.3,
    closed: 0,
    async score(windows: readonly Window[]): Promise<ScoreResult[]> {
      if (windows.some((w) => Number.isNaN(w.data[0]))) throw new Error('model pump-ae: input window 0 contains NaN');
      return windows.map((w) => ({
        asset: w.asset,
        model: 'pump-ae',
        modelVersion: '1.1.0',
        ts: w.end,
        score: w.data[0],
        threshold: 0.3,
        anomalous: w.data[0] > 0,
        contributions: [],
      }));
    },
    async close() {
      this.closed++;
    },
  };
}

const win = (value: number): Window => ({
  asset: 'pump-1',
  channels: ['a'],
  length: 1,
  start: 0,
  end: 1,
  data: Float32Array.of(value),
});

const limits = { maxErrorRate: 0.25, maxAnomalousFraction: 0.5, minWindows: 4 };

describe('ProbationModel', () => {
  it('passes through what it wraps and has no verdict while the model behaves', async () => {
    const inner = model();
    const p = new ProbationModel(inner, limits);
    expect([p.name, p.version, p.channels, p.windowLength, p.samplePeriodMs, p.threshold]).toEqual([
      'pump-ae',
      '1.1.0',
      ['a'],
      1,
      200,
      0.3,
    ]);
    const results = await p.score([win(0), win(1), win(0), win(0)]);
    expect(results.map((r) => r.anomalous)).toEqual([false, true, false, false]);
    expect([p.runs, p.windows, p.anomalous, p.failedRuns]).toEqual([1, 4, 1, 0]);
    expect(p.verdict()).toBeUndefined();
    await p.close();
    expect(inner.closed).toBe(1);
  });

  it('does not judge the anomalous share before min_windows windows', async () => {
    const p = new ProbationModel(model(), limits);
    await p.score([win(1), win(1), win(1)]);
    expect(p.verdict()).toBeUndefined();
    await p.score([win(1)]);
    expect(p.verdict()).toBe('4 of 4 windows judged anomalous (limit 50 %)');
  });

  it('counts a failed run, rethrows its error, and calls for a rollback above the error rate', async () => {
    const p = new ProbationModel(model(), limits);
    for (let i = 0; i < 3; i++) await p.score([win(0)]);
    await expect(p.score([win(Number.NaN)])).rejects.toThrow('model pump-ae: input window 0 contains NaN');
    expect(p.verdict()).toBeUndefined(); // 1 of 4 runs: at the 25 % limit, not above it
    await expect(p.score([win(Number.NaN)])).rejects.toThrow('model pump-ae: input window 0 contains NaN');
    expect(p.verdict()).toBe('2 of 5 scoring runs failed (limit 25 %)');
  });

  it('keeps each asset’s counts apart when several wrap views of one shared model', async () => {
    const shared = model();
    const a = new ProbationModel(shared, limits);
    const b = new ProbationModel(shared, limits);
    await a.score([win(1), win(1), win(1), win(1)]);
    await b.score([win(0), win(0), win(0), win(0)]);
    expect(a.verdict()).toBe('4 of 4 windows judged anomalous (limit 50 %)');
    expect(b.verdict()).toBeUndefined();
  });
});
