/**
 * Parts a part counter skipped get a record each, unknown; a counter that goes back or jumps by more parts than the
 * time holds makes none. Regression (qiwalk-s39): the PLC froze 1.5 s between strokes, its counter went from 650 to
 * 652 and part PRS-000651 had no record at all.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { counterIdOf, PartCounterGaps } from '../../src/runtime/part-counter-gaps.js';

/** A read of the asset that failed at `ts` (the PLC did not answer). */
const failedRead = (ts: number): Sample => ({
  source: 'plc',
  asset: 'press-1',
  channel: 'force',
  ts,
  value: Number.NaN,
  quality: 'bad',
  failedRead: true,
});

/**
 * Parts `ids` made one every `periodMs` from ts 0 (a part's id may be made at another time: [id, ts], a failed read
 * just before it unless `lost` is false).
 */
function run(ids: readonly (string | readonly [string, number])[], periodMs = 1000, lost = true) {
  const gaps = new PartCounterGaps('press-1', 5000);
  return ids.map((p, i) => {
    if (typeof p === 'string') return gaps.part(p, i * periodMs);
    if (lost) gaps.sampled([failedRead(p[1] - 1)]);
    return gaps.part(p[0], p[1]);
  });
}

describe('counterIdOf', () => {
  it.each([
    ['651', { prefix: '', n: 651, width: 0 }],
    ['PRS-000651', { prefix: 'PRS-', n: 651, width: 6 }],
    ['0', { prefix: '', n: 0, width: 0 }],
  ])('reads %s as a counter value', (id, expected) => {
    expect(counterIdOf(id)).toEqual(expected);
  });

  it.each(['651.5', 'L2-651', 'PRS-', 'abc', '1e+21', ''])('reads %s as no counter value', (id) => {
    expect(counterIdOf(id)).toBeUndefined();
  });
});

describe('PartCounterGaps', () => {
  it('makes one unknown record per part id a counter skipped, between the two parts, its prefix and padding kept', () => {
    const steps = run(['PRS-000648', 'PRS-000649', 'PRS-000650', ['PRS-000652', 4000]]);
    expect(steps.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    const reason = 'made while its readings were lost (the part counter went from 650 to 652)';
    expect(steps[3]).toEqual({ kind: 'skipped', parts: [{ partId: 'PRS-000651', ts: 3000, reason, missed: true }] });
  });

  it('names skipped whole-number ids as the counter reads them, each at its own time', () => {
    const steps = run(['8', '9', ['12', 4000]]);
    const reason = 'made while its readings were lost (the part counter went from 9 to 12)';
    expect(steps[2]).toEqual({
      kind: 'skipped',
      parts: [
        { partId: '10', ts: 2000, reason, missed: true },
        { partId: '11', ts: 3000, reason, missed: true },
      ],
    });
  });

  it('makes no record for a jump with no reading lost between the two parts (a counter preset after a break)', () => {
    const steps = run(['100', '101', '102', ['600', 1_800_000]], 2000, false);
    expect(steps[3]).toEqual({
      kind: 'set-by-plc',
      notice:
        'asset press-1: the part counter went from 102 to 600 with no reading lost between the two parts (the counter set or stepped by the PLC); no part records made for it',
    });
  });

  it('takes a silence longer than max_sample_age_ms for readings lost, as a failed read', () => {
    const gaps = new PartCounterGaps('press-1', 5000);
    const sample = (ts: number): Sample => ({ ...failedRead(ts), value: 1, quality: 'good', failedRead: undefined });
    gaps.sampled([sample(0)]);
    gaps.part('8', 0);
    gaps.sampled([sample(1000)]);
    gaps.part('9', 1000);
    gaps.sampled([sample(7000)]); // 6 s without a sample of the asset
    expect(gaps.part('11', 7500)).toMatchObject({ kind: 'skipped', parts: [{ partId: '10' }] });
  });

  it('makes no record for a counter restarted at 0, said once as a reset', () => {
    const steps = run(['700', '701', '702', '0', '1', '2']);
    expect(steps[3]).toEqual({
      kind: 'reset',
      notice:
        'asset press-1: the part counter went from 702 to 0: a PLC restart or the counter wrapped (it went back); no part records made for it',
    });
    expect(steps.filter((s) => s !== undefined)).toHaveLength(1);
  });

  it('makes no record for a counter that wrapped around', () => {
    const steps = run(['65534', '65535', '0', '1']);
    expect(steps.map((s) => s?.kind)).toEqual([undefined, undefined, 'reset', undefined]);
  });

  it('makes no flood of records for a jump by more parts than the time between holds, said once', () => {
    const steps = run(['100', '101', '102', ['5102', 4000]]);
    expect(steps[3]).toEqual({
      kind: 'reset',
      notice:
        'asset press-1: the part counter went from 102 to 5102: a PLC restart or the counter wrapped (4999 parts cannot have been made in 2000 ms at the fastest cycle seen, 1000 ms); no part records made for it',
    });
  });

  it('makes records for as many skipped parts as the time holds at the fastest cycle seen', () => {
    // 11 s after part 102 at a 1 s cycle: parts 103 to 112 fit, and part 113 ends the gap.
    const steps = run(['100', '101', '102', ['113', 13000]]);
    expect(steps[3]?.kind === 'skipped' && steps[3].parts.map((p) => p.partId)).toEqual(
      Array.from({ length: 10 }, (_, k) => String(103 + k)),
    );
  });

  it('takes part ids that do not count up by 1 for no counter: their jumps make no record', () => {
    expect(run(['17', '4', '93', '12', '40'])).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // A first step that is a jump says nothing yet: nothing was seen counting.
    expect(run(['5', '7', '8'])).toEqual([undefined, undefined, undefined]);
  });

  it('takes ids of another prefix, or the same id again, for no step of the counter', () => {
    expect(run(['A-1', 'A-2', 'B-4', 'B-4', 'B-5'])).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
