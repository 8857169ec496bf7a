/** The event an alarm transition becomes: the message an operator reads names the contributors and their kind. */
import { describe, expect, it } from 'vitest';
import { alarmDefinition, alarmEvent, shareText } from '../../src/alarms/alarm-event.js';
import { AlarmStateMachine } from '../../src/alarms/alarm-state.js';

const settings = {
  priority: 'high',
  on_delay_ms: 1000,
  off_delay_ms: 5000,
  latching: false,
  max_shelve_s: 3600,
} as const;
const raise = {
  from: 'normal',
  to: 'unack_active',
  ts: 1000,
  cause: 'condition',
  conditionActive: true,
} as const;

describe('alarm event', () => {
  it("names each top contributor's share and, for a hybrid or stats model, the kind of its largest term", () => {
    const event = alarmEvent(raise, {
      asset: 'pump-1',
      alarm: 'anomaly',
      settings,
      threshold: 8,
      latest: {
        score: 12,
        threshold: 8,
        contributions: [
          { channel: 'pressure', share: 0.52, kind: 'variability' },
          { channel: 'flow', share: 0.3, kind: 'residual' },
          { channel: 'voltage', share: 0.1, kind: 'level' },
          { channel: 'temperature', share: 0.08, kind: 'level' },
        ],
      },
    });
    expect(event.message).toBe(
      'pump-1: anomaly score 12.000 above threshold 8.000 for 1000 ms; top contributors: pressure 52% (variability), flow 30% (residual), voltage 10% (level)',
    );
    expect(event.topChannels).toEqual(['pressure', 'flow', 'voltage']);
    expect(event.topKinds).toEqual(['variability', 'residual', 'level']);
  });

  // Before, a part alarm said "press-1: anomaly score 0.064 above threshold 0.019": which part, the log line beside it.
  it("names the part that raised a cycle asset's alarm", () => {
    const event = alarmEvent(raise, {
      asset: 'press-1',
      alarm: 'anomaly',
      settings: { ...settings, on_delay_ms: 0 },
      threshold: 0.019,
      latest: { score: 0.064, threshold: 0.019, contributions: [{ channel: 'force', share: 1 }], partId: 'PRS-000024' },
    });
    expect(event.message).toBe(
      'press-1: part PRS-000024 failed, anomaly score 0.064 above threshold 0.019; top contributors: force 100%',
    );
  });

  it('says how long the score stayed above or below, and nothing of it when a delay is 0', () => {
    const latest = {
      score: 0.07,
      threshold: 0.063,
      offThreshold: 0.05,
      contributions: [{ channel: 'force', share: 1 }],
    };
    const message = (on_delay_ms: number, off_delay_ms: number, t: Parameters<typeof alarmEvent>[0] = raise) =>
      alarmEvent(t, {
        asset: 'press-1',
        alarm: 'anomaly',
        settings: { ...settings, on_delay_ms, off_delay_ms },
        threshold: 1,
        latest,
      }).message;
    const back = {
      from: 'unack_active',
      to: 'rtn_unack',
      ts: 2000,
      cause: 'condition',
      conditionActive: false,
    } as const;
    expect(message(0, 0)).toBe('press-1: anomaly score 0.070 above threshold 0.063; top contributors: force 100%');
    expect(message(1000, 0)).toBe(
      'press-1: anomaly score 0.070 above threshold 0.063 for 1000 ms; top contributors: force 100%',
    );
    expect(message(0, 0, back)).toBe('press-1: anomaly score back below 0.050 (unack_active → rtn_unack)');
    expect(message(0, 12000, back)).toBe(
      'press-1: anomaly score back below 0.050 for 12000 ms (unack_active → rtn_unack)',
    );
  });

  it('an alarm the hold let go says so: below the clear level that long, still above the largest normal score', () => {
    const settled = {
      from: 'ack_active',
      to: 'normal',
      ts: 40_000,
      cause: 'condition',
      conditionActive: false,
      settled: { clear: 0.6, release: 0.4, forMs: 37_000 },
    } as const;
    const latest = { score: 0.5, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4, contributions: [] };
    expect(alarmEvent(settled, { asset: 'pump-1', alarm: 'anomaly', settings, threshold: 1, latest }).message).toBe(
      'pump-1: anomaly score at or below its clear level 0.600 for 37000 ms, not back below the largest normal score 0.400 for 5000 ms: settled, no longer held (ack_active → normal)',
    );
  });

  it('a hold let go while the score lies below the largest normal score, for less than the off delay, says so', () => {
    // On and off delay as `settings` (1000, 5000), sustain 5000: raised at 1000; below the clear level 0.6 from 2000,
    // below 0.4 from 11_500; the hold runs out at 12_000 (2000 + 5000 + 5000), before the off delay below 0.4.
    const m = new AlarmStateMachine(alarmDefinition(settings, 5000));
    const score = (ts: number, s: number) =>
      m.handle({ kind: 'score', ts, score: s, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4 }).transition;
    score(0, 2);
    expect(score(1000, 2)?.to).toBe('unack_active');
    [2000, 6000, 11_000].forEach((ts) => expect(score(ts, 0.5)).toBeUndefined());
    expect(score(11_500, 0.3)).toBeUndefined();
    const t = score(12_000, 0.3)!;
    expect(t).toMatchObject({ to: 'rtn_unack', settled: { clear: 0.6, release: 0.4, forMs: 10_000 } });
    const latest = { score: 0.3, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4, contributions: [] };
    expect(alarmEvent(t, { asset: 'pump-1', alarm: 'anomaly', settings, threshold: 1, latest }).message).toBe(
      'pump-1: anomaly score at or below its clear level 0.600 for 10000 ms, not back below the largest normal score 0.400 for 5000 ms: settled, no longer held (unack_active → rtn_unack)',
    );
  });

  it('an autoencoder has no kinds: share only, and the event has no topKinds', () => {
    expect(shareText({ channel: 'flow', share: 0.426 })).toBe('flow 43%');
    const latest = { score: 2, threshold: 1, contributions: [{ channel: 'flow', share: 0.426 }] };
    const event = alarmEvent(raise, { asset: 'pump-1', alarm: 'anomaly', settings, threshold: 1, latest });
    expect(event.topChannels).toEqual(['flow']);
    expect(event).not.toHaveProperty('topKinds');
  });
});
