/** Why each alarm of an evaluated file was raised: the top contributors of the latest score at its first row. */
import { describe, expect, it } from 'vitest';
import { alarmCauses, TopContributors } from '../../src/eval/alarm-causes.js';

const CHANNELS = ['FIC-101', 'TI-302', 'PI-201', 'LIC-401'];

describe('alarm causes', () => {
  it('keeps each scored row top three contributors with their kinds, and none for a row never scored', () => {
    const tops = new TopContributors(CHANNELS, 3);
    tops.set(1, [
      { channel: 'TI-302', share: 0.5, kind: 'level' },
      { channel: 'FIC-101', share: 0.25, kind: 'residual' },
      { channel: 'LIC-401', share: 0.125, kind: 'variability' },
      { channel: 'PI-201', share: 0.125, kind: 'level' },
    ]);
    tops.set(2, [{ channel: 'PI-201', share: 1 }]);
    expect(tops.get(0)).toEqual([]);
    expect(tops.get(1)).toEqual([
      { channel: 'TI-302', share: 0.5, kind: 'level' },
      { channel: 'FIC-101', share: 0.25, kind: 'residual' },
      { channel: 'LIC-401', share: 0.125, kind: 'variability' },
    ]);
    expect(tops.get(2)).toEqual([{ channel: 'PI-201', share: 1 }]);
  });

  it('names each alarm at the row it comes on, from the latest scored row there', () => {
    const tops = new TopContributors(CHANNELS, 10);
    tops.set(2, [{ channel: 'FIC-101', share: 0.75, kind: 'residual' }]);
    tops.set(3, [{ channel: 'TI-302', share: 0.5, kind: 'level' }]);
    tops.set(7, [{ channel: 'LIC-401', share: 0.5, kind: 'variability' }]);
    // On over rows 3–4 and 8–9; row 8 unscored (a pause), so the latest score is row 7's; the last runs to the end.
    expect(alarmCauses([0, 0, 0, 1, 1, 0, 0, 0, 1, 1], tops)).toEqual([
      { row: 3, top: [{ channel: 'TI-302', share: 0.5, kind: 'level' }] },
      { row: 8, top: [{ channel: 'LIC-401', share: 0.5, kind: 'variability' }] },
    ]);
    expect(alarmCauses([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], tops)).toEqual([{ row: 0, top: [] }]);
    expect(alarmCauses(new Uint8Array(10), tops)).toEqual([]);
  });
});
