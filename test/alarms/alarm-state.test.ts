import { describe, expect, it } from 'vitest';
import { alarmDefinition } from '../../src/alarms/alarm-event.js';
import {
  AlarmStateMachine,
  clearLevel,
  releaseLevel,
  type AlarmDefinition,
  type AlarmInput,
} from '../../src/alarms/alarm-state.js';

const DEF: AlarmDefinition = {
  onDelayMs: 1000,
  offDelayMs: 2000,
  clearRatio: 0.8,
  latching: false,
  maxShelveMs: 3_600_000,
};

// Shorthand inputs: h = high score (above threshold 1), m = mid (between 0.8 and 1), l = low.
type Step = [
  t: number,
  input: 'h' | 'm' | 'l' | 'ack' | 'reset' | 'unshelve' | 'oos' | 'ios' | 'tick' | 'gap' | `shelve:${number}`,
];

function run(steps: Step[], def: Partial<AlarmDefinition> = {}): string[] {
  const alarm = new AlarmStateMachine({ ...DEF, ...def });
  return steps.map(([ts, s]) => {
    let input: AlarmInput;
    if (s === 'h' || s === 'm' || s === 'l')
      input = { kind: 'score', ts, score: { h: 2, m: 0.9, l: 0.1 }[s], threshold: 1 };
    else if (s === 'tick' || s === 'gap') input = { kind: s, ts };
    else if (s.startsWith('shelve:')) input = { kind: 'shelve', ts, by: 'op', durationMs: Number(s.slice(7)) };
    else
      input = {
        kind: (
          {
            ack: 'ack',
            reset: 'reset',
            unshelve: 'unshelve',
            oos: 'remove_from_service',
            ios: 'return_to_service',
          } as const
        )[s as 'ack'],
        ts,
        by: 'op',
      };
    const r = alarm.handle(input);
    return r.transition ? `${r.transition.from}>${r.transition.to}` : r.refused ? `refused: ${r.refused}` : '-';
  });
}

describe('ISA-18.2 alarm state machine', () => {
  it.each<{ name: string; steps: Step[]; expected: string[]; def?: Partial<AlarmDefinition> }>([
    {
      name: 'on-delay: a short excursion does not raise',
      steps: [
        [0, 'h'],
        [500, 'l'],
        [1000, 'h'],
        [1500, 'l'],
      ],
      expected: ['-', '-', '-', '-'],
    },
    {
      name: 'on-delay: two high scores either side of windows that could not be scored (a gap) do not raise',
      steps: [
        [0, 'h'],
        [500, 'gap'],
        [60_000, 'h'],
        [61_000, 'h'],
      ],
      expected: ['-', '-', '-', 'normal>unack_active'],
    },
    {
      name: 'sustain counts again after a gap, the off delay pauses across it; the condition stays through it',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [1500, 'l'],
        [1600, 'gap'],
        [9000, 'l'],
        [10_000, 'l'],
        [11_000, 'l'],
        [12_000, 'm'],
        [13_000, 'gap'],
        [20_000, 'm'],
        [24_000, 'm'],
        [25_000, 'm'],
      ],
      // Without a window span the score after the gap counts none of it: the off delay of 2 s ends at 11_000.
      expected: [
        '-',
        'normal>unack_active',
        '-',
        '-',
        '-',
        '-',
        'unack_active>rtn_unack',
        '-',
        '-',
        '-',
        '-',
        'rtn_unack>unack_active',
      ],
      def: { sustainMs: 5000 },
    },
    {
      name: 'the off delay does not count the time of a gap: low scores either side of an outage do not clear at once',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [1500, 'l'],
        [1600, 'gap'],
        [60_000, 'l'], // its window's 1000 ms counted, not the minute
        [63_000, 'l'],
        [64_000, 'l'],
      ],
      expected: ['-', 'normal>unack_active', '-', '-', '-', '-', 'unack_active>rtn_unack'],
      def: { offDelayMs: 5000, windowMs: 1000 },
    },
    {
      name: 'gaps that keep coming do not hold an alarm active: its off delay counts the window of each score after one',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [2000, 'l'],
        [3000, 'gap'],
        [4000, 'l'],
        [5000, 'gap'],
        [6000, 'l'],
        [7000, 'gap'],
        [8000, 'l'],
        [9000, 'gap'],
        [10_000, 'l'],
        [11_000, 'gap'],
        [12_000, 'l'],
      ],
      expected: [
        '-',
        'normal>unack_active',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        'unack_active>rtn_unack',
      ],
      def: { offDelayMs: 5000, windowMs: 1000 },
    },
    {
      name: 'raised once the score stays above for the on-delay; no duplicates',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [2000, 'h'],
        [3000, 'h'],
      ],
      expected: ['-', 'normal>unack_active', '-', '-'],
    },
    {
      name: 'sustain: a score between the clear level and the threshold for the sustain time raises; once',
      steps: [
        [0, 'm'],
        [2000, 'm'],
        [4000, 'm'],
        [5000, 'm'],
        [6000, 'm'],
      ],
      expected: ['-', '-', '-', 'normal>unack_active', '-'],
      def: { sustainMs: 5000 },
    },
    {
      name: 'sustain: a dip below the clear level starts the time again; without sustain, mid scores never raise',
      steps: [
        [0, 'm'],
        [4000, 'm'],
        [4500, 'l'],
        [5000, 'm'],
        [9000, 'm'],
        [10000, 'm'],
      ],
      expected: ['-', '-', '-', '-', '-', 'normal>unack_active'],
      def: { sustainMs: 5000 },
    },
    {
      name: 'sustain 0 (or unset): mid scores for as long as they last do not raise',
      steps: [
        [0, 'm'],
        [60_000, 'm'],
        [3_600_000, 'm'],
      ],
      expected: ['-', '-', '-'],
      def: { sustainMs: 0 },
    },
    {
      name: 'returns to normal unacknowledged after the off-delay',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [2000, 'l'],
        [3000, 'l'],
        [4000, 'l'],
      ],
      expected: ['-', 'normal>unack_active', '-', '-', 'unack_active>rtn_unack'],
    },
    {
      name: 'hysteresis: between clear level and threshold it stays active',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [2000, 'm'],
        [5000, 'm'],
        [9000, 'm'],
      ],
      expected: ['-', 'normal>unack_active', '-', '-', '-'],
    },
    {
      name: 'ack while active, then clearing goes straight to normal',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [1500, 'ack'],
        [2000, 'l'],
        [4000, 'l'],
      ],
      expected: ['-', 'normal>unack_active', 'unack_active>ack_active', '-', 'ack_active>normal'],
    },
    {
      name: 'ack after return to normal ends it',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [2000, 'l'],
        [4000, 'l'],
        [5000, 'ack'],
      ],
      expected: ['-', 'normal>unack_active', '-', 'unack_active>rtn_unack', 'rtn_unack>normal'],
    },
    {
      name: 'the condition returning before ack re-raises',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [2000, 'l'],
        [4000, 'l'],
        [5000, 'h'],
        [6000, 'h'],
      ],
      expected: ['-', 'normal>unack_active', '-', 'unack_active>rtn_unack', '-', 'rtn_unack>unack_active'],
    },
    {
      name: 'nothing to acknowledge in normal',
      steps: [[0, 'ack']],
      expected: ['refused: nothing to acknowledge: the alarm is normal'],
    },
    {
      name: 'latching: stays active after clearing until ack and reset',
      def: { latching: true },
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [2000, 'l'],
        [4000, 'l'],
        [5000, 'reset'],
        [6000, 'ack'],
        [7000, 'reset'],
      ],
      expected: [
        '-',
        'normal>unack_active',
        '-',
        '-',
        'refused: reset needs an acknowledged alarm, it is unack_active',
        'unack_active>ack_active',
        'ack_active>normal',
      ],
    },
    {
      name: 'latching: reset refused while the condition is active',
      def: { latching: true },
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [1500, 'ack'],
        [2000, 'reset'],
      ],
      expected: ['-', 'normal>unack_active', 'unack_active>ack_active', 'refused: the condition is still active'],
    },
    {
      name: 'shelved: a raise is suppressed, and annunciated when the shelve expires',
      steps: [
        [0, 'shelve:10000'],
        [1000, 'h'],
        [2000, 'h'],
        [9000, 'tick'],
        [10000, 'tick'],
      ],
      expected: ['normal>shelved', '-', '-', '-', 'shelved>unack_active'],
    },
    {
      name: 'unshelve with the condition clear returns to normal',
      steps: [
        [0, 'shelve:10000'],
        [1000, 'unshelve'],
      ],
      expected: ['normal>shelved', 'shelved>normal'],
    },
    {
      name: 'shelve longer than allowed is refused',
      steps: [[0, 'shelve:7200000']],
      expected: [
        'refused: 7200 s is longer than the alarm allows, 3600 s (max_shelve_s; Max shelve in the Node-RED alarm node)',
      ],
    },
    {
      name: 'shelve for no time is refused, saying so',
      steps: [[0, 'shelve:0']],
      expected: ['refused: a shelve needs a duration over 0 s, got 0 s'],
    },
    {
      name: 'out of service suppresses everything until returned',
      steps: [
        [0, 'oos'],
        [1000, 'h'],
        [2000, 'h'],
        [3000, 'ack'],
        [4000, 'ios'],
      ],
      expected: [
        'normal>out_of_service',
        '-',
        '-',
        'refused: nothing to acknowledge: the alarm is out_of_service',
        'out_of_service>unack_active',
      ],
    },
    {
      name: 'an active alarm can be shelved and comes back acknowledged-required',
      steps: [
        [0, 'h'],
        [1000, 'h'],
        [1500, 'shelve:5000'],
        [6500, 'tick'],
      ],
      expected: ['-', 'normal>unack_active', 'unack_active>shelved', 'shelved>unack_active'],
    },
  ])('$name', ({ steps, expected, def }) => {
    expect(run(steps, def)).toEqual(expected);
  });

  it('records who did what', () => {
    const alarm = new AlarmStateMachine(DEF);
    alarm.handle({ kind: 'score', ts: 0, score: 2, threshold: 1 });
    alarm.handle({ kind: 'score', ts: 1000, score: 2, threshold: 1 });
    const r = alarm.handle({ kind: 'ack', ts: 1200, by: 'j.doe', comment: 'checking pump' });
    expect(r.transition).toEqual({
      from: 'unack_active',
      to: 'ack_active',
      ts: 1200,
      cause: 'operator',
      command: 'ack',
      by: 'j.doe',
      comment: 'checking pump',
      conditionActive: true,
    });
  });
});

describe('where an alarm clears', () => {
  const score = (ts: number, s: number): AlarmInput => ({
    kind: 'score',
    ts,
    score: s,
    threshold: 10,
    offThreshold: 4,
  });
  it("clears at the model's calibrated off threshold when the alarm sets no ratio", () => {
    const alarm = new AlarmStateMachine({ onDelayMs: 0, offDelayMs: 0, latching: false, maxShelveMs: 1 });
    expect(alarm.handle(score(0, 11)).transition?.to).toBe('unack_active');
    // 7 is below 0.8 × 10 but above the calibrated 4: still active.
    expect(alarm.handle(score(1, 7)).transition).toBeUndefined();
    expect(alarm.conditionActive).toBe(true);
    expect(alarm.handle(score(2, 3.9)).transition?.to).toBe('rtn_unack');
  });

  it("an alarm's own clear_ratio wins over the model's off threshold", () => {
    const alarm = new AlarmStateMachine({
      onDelayMs: 0,
      offDelayMs: 0,
      clearRatio: 0.8,
      latching: false,
      maxShelveMs: 1,
    });
    alarm.handle(score(0, 11));
    expect(alarm.handle(score(1, 7)).transition?.to).toBe('rtn_unack');
  });

  it('without either, 0.8 × the threshold', () => {
    expect(clearLevel({}, 10)).toBe(8);
    expect(clearLevel({}, 10, 4)).toBe(4);
    // An off threshold that is not below the threshold is ignored.
    expect(clearLevel({}, 10, 12)).toBe(8);
    expect(clearLevel({ clearRatio: 0.5 }, 10, 4)).toBe(5);
  });
});

describe("an asset's alarm definition", () => {
  const behaviour = {
    priority: 'high',
    on_delay_ms: 1000,
    off_delay_ms: 5000,
    latching: false,
    max_shelve_s: 60,
  } as const;
  it("sustains for the model's window span unless sustain_ms says otherwise (0: off)", () => {
    expect(alarmDefinition(behaviour, 32_000).sustainMs).toBe(32_000);
    expect(alarmDefinition({ ...behaviour, sustain_ms: 90_000 }, 32_000).sustainMs).toBe(90_000);
    expect(alarmDefinition({ ...behaviour, sustain_ms: 0 }, 32_000).sustainMs).toBe(0);
    expect(alarmDefinition(behaviour).sustainMs).toBeUndefined();
  });

  it('sustains no sooner than the on delay, and says the raise was sustained: the clear level and for how long', () => {
    const m = new AlarmStateMachine(alarmDefinition({ ...behaviour, on_delay_ms: 60_000, sustain_ms: 1000 }));
    const at = (ts: number) => m.handle({ kind: 'score', ts, score: 0.5, threshold: 1, offThreshold: 0.4 }).transition;
    expect([0, 1000, 59_999].map(at)).toEqual([undefined, undefined, undefined]);
    expect(at(60_000)).toMatchObject({ to: 'unack_active', sustained: { clear: 0.4, forMs: 60_000 } });
    const plain = new AlarmStateMachine(alarmDefinition({ ...behaviour, on_delay_ms: 0 }));
    expect(plain.handle({ kind: 'score', ts: 0, score: 2, threshold: 1 }).transition).not.toHaveProperty('sustained');
  });

  it('with no sustain time of its own, sustains for the time each score suggests; 0 stays off', () => {
    // Scores at 0.5 (above the clear level 0.4, below the threshold) for 1000 ms; each says its window spans 1000.
    const run = (def: ReturnType<typeof alarmDefinition>) => {
      const m = new AlarmStateMachine(def);
      return [0, 500, 1000].map(
        (ts) =>
          m.handle({ kind: 'score', ts, score: 0.5, threshold: 1, offThreshold: 0.4, sustainMs: 1000 }).transition?.to,
      );
    };
    expect(run(alarmDefinition({ ...behaviour, on_delay_ms: 0 }))).toEqual([undefined, undefined, 'unack_active']);
    expect(run(alarmDefinition({ ...behaviour, on_delay_ms: 0, sustain_ms: 0 }))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(run(alarmDefinition({ ...behaviour, on_delay_ms: 0, sustain_ms: 5000 }))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("the model's clear threshold (its largest normal score, below the clear level)", () => {
  // Threshold 1, clear level (off) 0.6, the largest normal score 0.4; no on or off delay, sustain 5 s.
  const def: AlarmDefinition = { onDelayMs: 0, offDelayMs: 0, latching: false, maxShelveMs: 1, sustainMs: 5000 };
  const scores = (d: AlarmDefinition, values: [number, number][], clearThreshold: number | null = 0.4) => {
    const m = new AlarmStateMachine(d);
    return values.map(([ts, score]) => {
      m.handle({
        kind: 'score',
        ts,
        score,
        threshold: 1,
        offThreshold: 0.6,
        ...(clearThreshold !== null ? { clearThreshold } : {}),
      });
      return m.conditionActive ? 1 : 0;
    });
  };

  it('a raised alarm holds while the score stays above it, under the clear level, and clears below it', () => {
    const after: [number, number][] = [
      [0, 2],
      [1000, 0.5],
      [2000, 0.45],
      [3000, 0.5],
      [4000, 0.3],
    ];
    expect(scores(def, after)).toEqual([1, 1, 1, 1, 0]);
    // Without it the alarm clears at the clear level, as before.
    expect(scores(def, after, null)).toEqual([1, 0, 0, 0, 0]);
  });

  it('holds for at most the sustain time, then clears below the clear level after the off delay', () => {
    // Raised, then the score settles at 0.5 (below the clear level 0.6, above the largest normal score 0.4) for good.
    const settle: [number, number][] = [0, 1000, 3000, 5999, 6000, 7000, 60_000].map((ts) => [ts, ts === 0 ? 2 : 0.5]);
    // Below the clear level from 1000: held until 1000 + the sustain time 5000.
    expect(scores(def, settle)).toEqual([1, 1, 1, 1, 0, 0, 0]);
    // With an off delay of 2000 too: cleared at 1000 + 5000 + 2000.
    expect(scores({ ...def, offDelayMs: 2000 }, settle)).toEqual([1, 1, 1, 1, 1, 1, 0]);
    // A score back above the clear level starts the hold again: a dip shorter than the sustain time stays bridged.
    const dips: [number, number][] = [
      [0, 2],
      [1000, 0.5],
      [5000, 0.5],
      [5500, 0.7],
      [6000, 0.5],
      [10_000, 0.5],
      [11_000, 0.5],
    ];
    expect(scores(def, dips)).toEqual([1, 1, 1, 1, 1, 1, 0]);
    // Without a sustain time there is no hold: the alarm clears at the clear level as without the clear threshold.
    expect(scores({ ...def, sustainMs: 0 }, settle)).toEqual([1, 0, 0, 0, 0, 0, 0]);
  });

  it('an acknowledged alarm held by a score that stopped moving returns to normal, and says why', () => {
    const m = new AlarmStateMachine(def);
    const score = (ts: number, s: number) =>
      m.handle({ kind: 'score', ts, score: s, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4 }).transition;
    expect(score(0, 2)?.to).toBe('unack_active');
    expect(m.handle({ kind: 'ack', ts: 500, by: 'op' }).transition?.to).toBe('ack_active');
    // Acknowledging does not clear it: the condition holds at 0.5 until the sustain time has run.
    expect(score(1000, 0.5)).toBeUndefined();
    expect(score(5999, 0.5)).toBeUndefined();
    expect(m.state).toBe('ack_active');
    expect(score(6000, 0.5)).toMatchObject({
      from: 'ack_active',
      to: 'normal',
      cause: 'condition',
      settled: { clear: 0.6, release: 0.4, forMs: 5000 },
    });
    // The next fault raises the alarm anew.
    expect(score(7000, 2)?.to).toBe('unack_active');
  });

  it('a score exactly at the clear level counts down the hold, as below it; a NaN score does not', () => {
    // 0.6 is the clear level: no sustained deviation (not above it), so it must not hold the alarm for good either.
    const at: [number, number][] = [0, 1000, 5999, 6000, 600_000].map((ts) => [ts, ts === 0 ? 2 : 0.6]);
    expect(scores(def, at)).toEqual([1, 1, 1, 0, 0]);
    const nan: [number, number][] = [0, 1000, 6000, 600_000].map((ts) => [ts, ts === 0 ? 2 : Number.NaN]);
    expect(scores(def, nan)).toEqual([1, 1, 1, 1]);
  });

  it('a clearing below the largest normal score carries no settled part', () => {
    const m = new AlarmStateMachine(def);
    m.handle({ kind: 'score', ts: 0, score: 2, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4 });
    const t = m.handle({ kind: 'score', ts: 1000, score: 0.3, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4 });
    expect(t.transition).toMatchObject({ to: 'rtn_unack', cause: 'condition' });
    expect(t.transition).not.toHaveProperty('settled');
    // Without a sustain time there is no hold, so a clearing at the clear level is no settling either.
    const plain = new AlarmStateMachine({ ...def, sustainMs: 0 });
    plain.handle({ kind: 'score', ts: 0, score: 2, threshold: 1, offThreshold: 0.6, clearThreshold: 0.4 });
    const c = plain.handle({
      kind: 'score',
      ts: 1000,
      score: 0.5,
      threshold: 1,
      offThreshold: 0.6,
      clearThreshold: 0.4,
    });
    expect(c.transition).toMatchObject({ to: 'rtn_unack', cause: 'condition' });
    expect(c.transition).not.toHaveProperty('settled');
  });

  it('raises nothing: the sustain rule still reads the clear level, and an alarm clear ratio overrides it', () => {
    // Between the two for far longer than the sustain time: no alarm.
    expect(
      scores(
        def,
        [0, 10_000, 20_000, 60_000].map((ts) => [ts, 0.5] as [number, number]),
      ),
    ).toEqual([0, 0, 0, 0]);
    // Above the clear level for the sustain time raises, as before.
    expect(
      scores(
        def,
        [0, 5000].map((ts) => [ts, 0.7] as [number, number]),
      ),
    ).toEqual([0, 1]);
    // An alarm that sets its own clear ratio (0.8) clears there: the model's levels are not used.
    expect(
      scores({ ...def, clearRatio: 0.8 }, [
        [0, 2],
        [1000, 0.5],
      ]),
    ).toEqual([1, 0]);
    expect(releaseLevel({}, 1, 0.6, 0.4)).toBe(0.4);
    expect(releaseLevel({}, 1, 0.6, 0.7)).toBe(0.6);
    expect(releaseLevel({ clearRatio: 0.8 }, 1, 0.6, 0.4)).toBe(0.8);
  });
});
