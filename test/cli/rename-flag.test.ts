/** train and eval --rename OLD=NEW, checked on its own and against a CSV's columns: each bad value named. */
import { describe, expect, it } from 'vitest';
import { refuseRenamesOf, renameFlag } from '../../src/cli/rename-flag.js';

const SKAB = ['Accelerometer1RMS', 'Current', 'Voltage', 'Volume Flow RateRMS', 'anomaly', 'changepoint'];

describe('--rename', () => {
  it('reads OLD=NEW at the last "=", a column name with spaces kept whole', () => {
    expect(renameFlag(undefined)).toBeUndefined();
    expect([...renameFlag(['Volume Flow RateRMS=flow_rms', ' a=b = c.d '])!]).toEqual([
      ['Volume Flow RateRMS', 'flow_rms'],
      ['a=b', 'c.d'],
    ]);
  });

  it.each([
    ['Flow', '--rename "Flow": expected OLD=NEW, a column\'s name in the CSV and the name to read it under'],
    ['=flow', '--rename "=flow": expected OLD=NEW, a column\'s name in the CSV and the name to read it under'],
    [
      'Volume Flow RateRMS=flow rms',
      '--rename "Volume Flow RateRMS=flow rms": "flow rms" is no channel name a gateway configuration takes: ' +
        'expected a name of letters, digits, "_", "." or "-"',
    ],
    [
      'Current=anomaly',
      '--rename "Current=anomaly": renames a channel\'s column, not a label column or to a label column\'s name',
    ],
  ])('refuses %j', (value, message) => {
    expect(() => renameFlag([value])).toThrow(message);
  });

  it('refuses a column renamed twice, two columns to one name, and a label column --label-column names', () => {
    expect(() => renameFlag(['Current=a', 'Current=b'])).toThrow(
      '--rename "Current=b": column "Current" is renamed twice',
    );
    expect(() => renameFlag(['Current=a', 'Voltage=a'])).toThrow('--rename "Voltage=a": two columns renamed to "a"');
    expect(() => renameFlag(['fault=x'], 'fault')).toThrow(
      '--rename "fault=x": renames a channel\'s column, not a label column',
    );
  });

  it('refuses a column the CSV lacks and a name another column keeps, naming where; a swap of two names is allowed', () => {
    expect(() => refuseRenamesOf(renameFlag(['Flow=flow']), SKAB, '--csv a.csv')).toThrow(
      '--rename "Flow=flow": --csv a.csv has no column "Flow" (columns: Accelerometer1RMS, Current, Voltage, ' +
        'Volume Flow RateRMS, anomaly, changepoint)',
    );
    expect(() => refuseRenamesOf(renameFlag(['Current=Voltage']), SKAB, '--data d')).toThrow(
      '--rename "Current=Voltage": --data d has a column "Voltage" already; rename to another name',
    );
    expect(refuseRenamesOf(renameFlag(['Current=Voltage', 'Voltage=Current']), SKAB, '--data d')).toBeUndefined();
  });
});
