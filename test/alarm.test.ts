import { describe, expect, it } from 'vitest';
import { AnomalyAlarm } from '../src/alarms/anomaly-alarm.js';
import type { ScoreResult } from '../src/core/types.js';

const result = (score: number, ts: number): ScoreResult => ({
  asset: 'pump-1', model: 'm', modelVersion: '1', ts, score, threshold: 1, anomalous: score > 1,
  contributions: [{ channel: 'flow', share: 0.7 }, { channel: 'pressure', share: 0.3 }],
});

function run(scores: number[], options = { onDelay: 2, offDelay: 2, clearRatio: 0.8 }) {
  const alarm = new AnomalyAlarm('pump-1', options);
  return scores.map((s, i) => alarm.update(result(s, i))?.state ?? '-');
}

describe('anomaly alarm', () => {
  it.each([
    { name: 'one spike does not raise (on-delay)', scores: [0.5, 1.5, 0.5, 0.5], expected: ['-', '-', '-', '-'] },
    { name: 'two windows above raise once', scores: [1.5, 1.5, 1.5, 1.5], expected: ['-', 'active', '-', '-'] },
    { name: 'clears after two windows below the clear level', scores: [1.5, 1.5, 0.5, 0.5, 0.5], expected: ['-', 'active', '-', 'cleared', '-'] },
    { name: 'hysteresis: scores between clear level and threshold keep it active', scores: [1.5, 1.5, 0.9, 0.9, 0.9, 0.9], expected: ['-', 'active', '-', '-', '-', '-'] },
    { name: 'a return above resets the off-delay', scores: [1.5, 1.5, 0.5, 1.5, 0.5, 0.5], expected: ['-', 'active', '-', '-', '-', 'cleared'] },
    { name: 'raises again after clearing', scores: [2, 2, 0, 0, 2, 2], expected: ['-', 'active', '-', 'cleared', '-', 'active'] },
  ])('$name', ({ scores, expected }) => {
    expect(run(scores)).toEqual(expected);
  });

  it('names the top contributing channels in the event', () => {
    const alarm = new AnomalyAlarm('pump-1', { onDelay: 1, offDelay: 1, clearRatio: 0.8 });
    const event = alarm.update(result(3, 42))!;
    expect(event.topChannels).toEqual(['flow', 'pressure']);
    expect(event.message).toMatch(/flow 70%, pressure 30%/);
    expect(event.ts).toBe(42);
  });
});
