import { describe, expect, it } from 'vitest';
import { runningWhenNotes } from '../../src/config/running-when.js';

const model = (training: Record<string, unknown>) =>
  new Map([['e101', { manifest: { name: 'e101-hybrid', training } }]]);
const learnt = { running_when: { channel: 'XS-100_Unit_mode', equals: 'RUN' } };

describe('an asset scoring other rows than its model learnt (running_when vs training.running_when)', () => {
  it('warns where the model learnt a running machine only and the asset scores every row', () => {
    expect(runningWhenNotes([{ name: 'e101' }], model(learnt))).toEqual([
      'assets[0]: model e101-hybrid learnt only the rows where XS-100_Unit_mode=RUN (training.running_when); asset e101 scores every row, its stops too: set assets[0].running_when to the same condition on the channel that says it here',
    ]);
  });

  it('warns where the two conditions differ, and says nothing where they agree', () => {
    const other = { name: 'e101', running_when: { channel: 'FI-100', above: 390 } };
    expect(runningWhenNotes([other], model(learnt))).toEqual([
      'assets[0].running_when: FI-100>390, but model e101-hybrid learnt the rows where XS-100_Unit_mode=RUN (training.running_when): the rows scored are not those learnt, unless the two say the same thing under other names',
    ]);
    const same = { name: 'e101', running_when: { channel: 'XS-100_Unit_mode', equals: 'RUN' } };
    expect(runningWhenNotes([same], model(learnt))).toEqual([]);
  });

  it('warns where the settle times after a restart differ (unset counts as 0), and says which rows it costs', () => {
    const settled = { running_when: { channel: 'XS-100_Unit_mode', equals: 'RUN', settle_ms: 1_450_000 } };
    const asset = (settle_ms?: number) => ({
      name: 'e101',
      running_when: { channel: 'XS-100_Unit_mode', equals: 'RUN', ...(settle_ms !== undefined ? { settle_ms } : {}) },
    });
    expect(runningWhenNotes([asset()], model(settled))).toEqual([
      'assets[0].running_when.settle_ms: 0, but model e101-hybrid left out the 1450000 ms after each restart (training.running_when.settle_ms): the ramp it never learnt is scored; set settle_ms: 1450000',
    ]);
    expect(runningWhenNotes([asset(3_000_000)], model(settled))).toEqual([
      'assets[0].running_when.settle_ms: 3000000, but model e101-hybrid left out the 1450000 ms after each restart (training.running_when.settle_ms): rows it learnt are not scored; set settle_ms: 1450000',
    ]);
    expect(runningWhenNotes([asset(1_450_000)], model(settled))).toEqual([]);
    expect(runningWhenNotes([asset(0)], model(learnt))).toEqual([]);
  });

  it('says nothing of a model that learnt every row, or whose recorded condition is not one', () => {
    const gated = { name: 'e101', running_when: { channel: 'run', equals: true } };
    expect(runningWhenNotes([gated], model({}))).toEqual([]);
    expect(runningWhenNotes([{ name: 'e101' }], model({ running_when: { channel: 'x' } }))).toEqual([]);
  });
});
