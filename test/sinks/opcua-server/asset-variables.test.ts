/** The variables of an asset and the updates records make of them (pure: sinks/opcua-server/asset-variables.ts). */
import { describe, expect, it } from 'vitest';
import type { AlarmEvent, PartResult, Sample } from '../../../src/core/types.js';
import {
  assetVariables,
  heldAlarmUpdates,
  recordUpdates,
  type VariableUpdate,
} from '../../../src/sinks/opcua-server/asset-variables.js';

const PRESS = {
  asset: 'press-1',
  scored: true,
  alarms: ['anomaly'],
  channels: [
    { name: 'force', unit: 'kN', text: false },
    { name: 'serial', text: true },
  ],
  parts: true,
};
const known = new Set(assetVariables(PRESS).map((v) => v.key));
const TS = 1_765_000_000_000;

const sample = (over: Partial<Sample>): Sample => ({
  source: 'plc',
  asset: 'press-1',
  channel: 'force',
  ts: TS,
  value: 3.5,
  quality: 'good',
  ...over,
});
const only = (samples: Sample[]): VariableUpdate[] => recordUpdates({ samples, scores: [], alarms: [] }, known);

describe('assetVariables', () => {
  it('a part asset: its channels (units, text as String), anomaly, alarm and part variables, keyed <asset>/<folder>/<name>', () => {
    expect(assetVariables(PRESS).map((v) => [v.key, v.type, v.unit])).toEqual([
      ['press-1/Channels/force', 'Double', 'kN'],
      ['press-1/Channels/serial', 'String', undefined],
      ['press-1/Anomaly/Score', 'Double', undefined],
      ['press-1/Anomaly/Threshold', 'Double', undefined],
      ['press-1/Anomaly/Verdict', 'String', undefined],
      ['press-1/Alarm/Active', 'Boolean', undefined],
      ['press-1/Alarm/State', 'String', undefined],
      ['press-1/Alarm/LastChange', 'DateTime', undefined],
      ['press-1/Part/Id', 'String', undefined],
      ['press-1/Part/Verdict', 'String', undefined],
      ['press-1/Part/Score', 'Double', undefined],
    ]);
  });

  it('an asset without parts has no Part folder', () => {
    expect(assetVariables({ ...PRESS, parts: false }).filter((v) => v.folder === 'Part')).toEqual([]);
  });
});

describe('recordUpdates', () => {
  it.each([
    ['good', sample({}), { status: 'Good', value: 3.5, ts: TS }],
    ['uncertain', sample({ quality: 'uncertain' }), { status: 'Uncertain', value: 3.5, ts: TS }],
    ['a bad value the device reported', sample({ quality: 'bad', value: NaN }), { status: 'Bad' }],
    ['a failed read', sample({ quality: 'bad', value: NaN, failedRead: true }), { status: 'BadNoCommunication' }],
    ['a good NaN', sample({ value: NaN }), { status: 'Bad' }],
  ])('a channel sample, %s', (_, s, update) => {
    expect(only([s])[0]).toEqual({ key: 'press-1/Channels/force', ...update });
  });

  it('a text sample sets its text', () => {
    expect(only([sample({ channel: 'serial', value: NaN, text: 'PRS-1' })])).toEqual([
      { key: 'press-1/Channels/serial', status: 'Good', value: 'PRS-1', ts: TS },
    ]);
  });

  it('a failed read makes the anomaly variables UncertainLastUsableValue, values kept', () => {
    expect(only([sample({ quality: 'bad', value: NaN, failedRead: true })]).slice(1)).toEqual([
      { key: 'press-1/Anomaly/Score', status: 'UncertainLastUsableValue' },
      { key: 'press-1/Anomaly/Threshold', status: 'UncertainLastUsableValue' },
      { key: 'press-1/Anomaly/Verdict', status: 'UncertainLastUsableValue' },
    ]);
  });

  it('records of an asset or channel not offered update nothing', () => {
    expect(only([sample({ asset: 'pump-1' }), sample({ channel: 'speed' })])).toEqual([]);
  });

  it('an alarm transition: Active for unack_active and ack_active, its state, LastChange at its time', () => {
    const event = { asset: 'press-1', alarm: 'anomaly', state: 'ack_active', ts: TS } as AlarmEvent;
    expect(recordUpdates({ samples: [], scores: [], alarms: [event] }, known)).toEqual([
      { key: 'press-1/Alarm/Active', status: 'Good', value: true, ts: TS },
      { key: 'press-1/Alarm/State', status: 'Good', value: 'ack_active', ts: TS },
      { key: 'press-1/Alarm/LastChange', status: 'Good', value: new Date(TS), ts: TS },
    ]);
  });

  it('a part without a score: its id and verdict, its score BadNoData', () => {
    const part = { asset: 'press-1', partId: 'P7', ts: TS, verdict: 'unknown' } as PartResult;
    expect(recordUpdates({ samples: [], scores: [], alarms: [], parts: [part] }, known)).toEqual([
      { key: 'press-1/Part/Id', status: 'Good', value: 'P7', ts: TS },
      { key: 'press-1/Part/Verdict', status: 'Good', value: 'unknown', ts: TS },
      { key: 'press-1/Part/Score', status: 'BadNoData' },
    ]);
  });
});

describe('heldAlarmUpdates', () => {
  it("the gateway's alarm of an asset still pending: a normal one without a time leaves LastChange as it is", () => {
    expect(heldAlarmUpdates([{ asset: 'press-1', state: 'normal' }], new Set(['press-1']), known)).toEqual([
      { key: 'press-1/Alarm/Active', status: 'Good', value: false },
      { key: 'press-1/Alarm/State', status: 'Good', value: 'normal' },
    ]);
  });

  it('an active one restored from the journal: LastChange at the time it was raised; an asset not pending: nothing', () => {
    const states = [
      { asset: 'press-1', state: 'unack_active' as const, since: TS },
      { asset: 'pump-1', state: 'normal' as const },
    ];
    expect(heldAlarmUpdates(states, new Set(['press-1']), known)).toEqual([
      { key: 'press-1/Alarm/Active', status: 'Good', value: true, ts: TS },
      { key: 'press-1/Alarm/State', status: 'Good', value: 'unack_active', ts: TS },
      { key: 'press-1/Alarm/LastChange', status: 'Good', value: new Date(TS), ts: TS },
    ]);
  });
});
