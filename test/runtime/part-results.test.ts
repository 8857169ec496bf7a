/** A cycle asset's part results from scores and unscored windows: the pure helpers the pipeline reports parts with. */
import { describe, expect, it } from 'vitest';
import type { ScoreResult, Window } from '../../src/core/types.js';
import { judgedParts, unknownParts, unscoredParts } from '../../src/runtime/part-results.js';

function score(partId: string | undefined, value: number, anomalous: boolean): ScoreResult {
  return {
    asset: 'press-1',
    model: 'press-ae',
    modelVersion: '3',
    ts: 1_000 + value,
    score: value,
    threshold: 0.5,
    anomalous,
    contributions: ['force', 'stroke', 'temp', 'oil'].map((channel, i) => ({ channel, share: 0.4 - i * 0.1 })),
    ...(partId !== undefined ? { partId } : {}),
  } as ScoreResult;
}

function window(partId: string | undefined, end: number): Window {
  return {
    asset: 'press-1',
    channels: ['force'],
    length: 1,
    start: end - 10,
    end,
    data: new Float32Array(1),
    ...(partId !== undefined ? { partId } : {}),
  };
}

describe('judgedParts', () => {
  it('judges each scored part in order, with its own cycle time, three top channels and the model that scored it', () => {
    const parts = judgedParts('press-1', [score('P1', 0.2, false), score('P2', 0.9, true)], [1_200, undefined]);
    expect(parts).toEqual([
      {
        asset: 'press-1',
        partId: 'P1',
        ts: 1_000.2,
        verdict: 'pass',
        score: 0.2,
        threshold: 0.5,
        topChannels: ['force', 'stroke', 'temp'],
        cycleMs: 1_200,
        model: 'press-ae',
      },
      {
        asset: 'press-1',
        partId: 'P2',
        ts: 1_000.9,
        verdict: 'fail',
        score: 0.9,
        threshold: 0.5,
        topChannels: ['force', 'stroke', 'temp'],
        model: 'press-ae',
      },
    ]);
    expect(parts[1]).not.toHaveProperty('cycleMs');
  });

  it("carries a score's held rows to its part; a part whose window held none has no held", () => {
    const held = { rows: 2, of: 40, channels: { force: 2 } };
    const parts = judgedParts('press-1', [{ ...score('P1', 0.2, false), held }, score('P2', 0.3, false)], []);
    expect(parts.map((p) => [p.partId, p.held])).toEqual([
      ['P1', held],
      ['P2', undefined],
    ]);
    expect(parts[1]).not.toHaveProperty('held');
  });

  it('skips scores without a part id but keeps the cycle times aligned by position', () => {
    const parts = judgedParts('press-1', [score(undefined, 0.1, false), score('P7', 0.3, false)], [100, 700]);
    expect(parts.map((p) => [p.partId, p.cycleMs])).toEqual([['P7', 700]]);
  });
});

describe('unscoredParts and unknownParts', () => {
  it('reports the parts among unscored windows as unknown, with the reason and the cycle time where known', () => {
    const reason = 'its window was dropped unscored: scoring fell behind';
    const unjudged = unscoredParts(
      [
        { window: window('P1', 2_000), cycleMs: 900 },
        { window: window(undefined, 2_100) },
        { window: window('P3', 2_200) },
      ],
      reason,
    );
    expect(unjudged).toEqual([
      { partId: 'P1', ts: 2_000, reason, cycleMs: 900 },
      { partId: 'P3', ts: 2_200, reason },
    ]);
    expect(unknownParts('press-1', 'press-ae', unjudged)).toEqual([
      {
        asset: 'press-1',
        partId: 'P1',
        ts: 2_000,
        reason,
        cycleMs: 900,
        verdict: 'unknown',
        topChannels: [],
        model: 'press-ae',
      },
      { asset: 'press-1', partId: 'P3', ts: 2_200, reason, verdict: 'unknown', topChannels: [], model: 'press-ae' },
    ]);
  });

  it("carries an unscored part window's held rows to its unknown result", () => {
    const held = { rows: 1, of: 40, channels: { force: 1 } };
    const reason = 'its window was dropped unscored: scoring fell behind';
    const [unjudged] = unscoredParts([{ window: { ...window('P1', 2_000), held } }], reason);
    expect(unknownParts('press-1', 'press-ae', [unjudged])).toEqual([
      {
        asset: 'press-1',
        partId: 'P1',
        ts: 2_000,
        reason,
        verdict: 'unknown',
        topChannels: [],
        model: 'press-ae',
        held,
      },
    ]);
  });
});
