/** The one verdict rule, shared by the daemon's pipelines and the Node-RED score node. */
import { describe, expect, it } from 'vitest';
import type { ScoreResult } from '../../src/core/types.js';
import { isAnomalous, verdictOf, withThreshold } from '../../src/core/verdict.js';

const result = (score: number, extra: Partial<ScoreResult> = {}): ScoreResult => ({
  asset: 'press-1',
  model: 'press-ae',
  modelVersion: '1.0.0',
  ts: 0,
  score,
  threshold: 1,
  offThreshold: 0.8,
  anomalous: score > 1,
  contributions: [],
  ...extra,
});

describe('verdict rule', () => {
  it('is anomalous only above the threshold', () => {
    expect([isAnomalous(0.99, 1), isAnomalous(1, 1), isAnomalous(1.01, 1)]).toEqual([false, false, true]);
  });

  it('names a part pass or fail, a sliding window normal or anomalous', () => {
    expect(verdictOf(result(2, { partId: '7' }))).toBe('fail');
    expect(verdictOf(result(0.5, { partId: '8' }))).toBe('pass');
    expect(verdictOf(result(2))).toBe('anomalous');
    expect(verdictOf(result(0.5))).toBe('normal');
  });

  it("judges against another threshold, scaling the clearing threshold by the model's on/off ratio", () => {
    expect(withThreshold(result(0.6), 0.5)).toMatchObject({ threshold: 0.5, offThreshold: 0.4, anomalous: true });
    const same = result(0.6);
    expect(withThreshold(same, undefined)).toBe(same);
    expect(withThreshold(result(0.6, { offThreshold: undefined }), 0.5)).not.toHaveProperty('offThreshold', 0.4);
  });
});
