/** train and eval --rename OLD=NEW, checked on its own and against a CSV's columns: each bad value named. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { refuseRenamesOf, renameFlag, renameHint } from '../../src/cli/rename-flag.js';

const SKAB = ['Accelerometer1RMS', 'Current', 'Voltage', 'Volume Flow RateRMS', 'anomaly', 'changepoint'];

describe('--rename', () => {
  it('reads OLD=NEW at the last "=", a column name with spaces kept whole', () => {
    expect(renameFlag(undefined)).toBeUndefined();
    // OLD as a header's names are read: the spaces around it are not the column's (csv-table.ts trims them).
    expect([...renameFlag(['Volume Flow RateRMS=flow_rms', ' a=b =c.d'])!]).toEqual([
      ['Volume Flow RateRMS', 'flow_rms'],
      ['a=b', 'c.d'],
    ]);
  });

  it('refuses a NEW with a space around it, as a configuration refuses the channel name, naming the flag meant', () => {
    expect(() => renameFlag(['Volume Flow RateRMS = flow_rms'])).toThrow(
      '--rename "Volume Flow RateRMS = flow_rms": " flow_rms" has a space before or after it, and a gateway ' +
        "configuration takes no channel name with a space; --rename 'Volume Flow RateRMS=flow_rms' reads the " +
        'column as "flow_rms"',
    );
    expect(() => renameFlag(['Current=current '])).toThrow(
      '--rename "Current=current ": "current " has a space before or after it, and a gateway configuration ' +
        'takes no channel name with a space; --rename Current=current reads the column as "current"',
    );
  });

  it.each([
    ['Flow', '--rename "Flow": expected OLD=NEW, a column\'s name in the CSV and the name to read it under'],
    ['=flow', '--rename "=flow": expected OLD=NEW, a column\'s name in the CSV and the name to read it under'],
    [
      'auto',
      '--rename auto: for train --csv and eval --arch without --cycle-channel, which name the columns a model is ' +
        'made from; eval --model and quantize read a file with those columns as the model records (training.renames)',
    ],
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
    // A misspelt column: the one it likely means, by the rule configuration keys follow.
    expect(() => refuseRenamesOf(renameFlag(['Curent=current']), SKAB, '--data d')).toThrow(
      '--rename "Curent=current": --data d has no column "Curent" (columns: Accelerometer1RMS, Current, Voltage, ' +
        'Volume Flow RateRMS, anomaly, changepoint); did you mean "Current"?',
    );
  });
});

describe("eval --model's hint for a channel the file lacks", () => {
  const model = ['Accelerometer1RMS', 'Current', 'Voltage', 'flow_rms'];
  /**
   * The arguments a real bash makes of the flag a hint names (after `holds CHANNEL: `, to `in place of` or the closing
   * bracket), pasted after a command: it must pass the checks eval runs on the CSV's own header.
   */
  const pasted = (hint: string) => {
    const flag = hint.replace(/^ \(if column .* holds [^:]+: /s, '').replace(/( in place of .*)?\)$/s, '');
    const args = execFileSync('bash', ['-c', `printf '%s\\0' ${flag}`], { encoding: 'utf8' }).split('\0');
    expect(args.shift()).toBe('--rename');
    return args.slice(0, -1);
  };

  it('names the one unread column and the one missing channel', () => {
    const read = ['Accelerometer1RMS', 'Current', 'Voltage', 'Volume Flow RateRMS'];
    const hint = renameHint(['flow_rms'], read, model);
    expect(hint).toBe(' (if column "Volume Flow RateRMS" holds flow_rms: --rename \'Volume Flow RateRMS=flow_rms\')');
    expect(pasted(hint)).toEqual(['Volume Flow RateRMS=flow_rms']);
    expect(refuseRenamesOf(renameFlag(pasted(hint)), SKAB, '--data d')).toBeUndefined();
  });

  it("names the CSV's column where a --rename read it under another name, not the name it was read under", () => {
    // --rename "Volume Flow RateRMS=flw": the file's channels as read have flw; a flag must name the CSV's column.
    const renames = renameFlag(['Volume Flow RateRMS=flw']);
    const read = ['Accelerometer1RMS', 'Current', 'Voltage', 'flw'];
    const hint = renameHint(['flow_rms'], read, model, renames);
    expect(hint).toBe(
      ' (if column "Volume Flow RateRMS" holds flow_rms: --rename \'Volume Flow RateRMS=flow_rms\' in place of ' +
        "--rename 'Volume Flow RateRMS=flw')",
    );
    expect(pasted(hint)).toEqual(['Volume Flow RateRMS=flow_rms']);
    expect(refuseRenamesOf(renameFlag(pasted(hint)), SKAB, '--data d')).toBeUndefined();
  });

  it('guesses no column for a channel the file holds as text: that name is taken (refuseRenamesOf)', () => {
    const csv = ['Current', 'Voltage', 'State', 'Pressure'];
    const read = ['Current', 'Voltage', 'Pressure']; // State holds ON/OFF: left out of the channels
    expect(() => refuseRenamesOf(renameFlag(['Pressure=State']), csv, '--data d')).toThrow(
      '--rename "Pressure=State": --data d has a column "State" already',
    );
    expect(renameHint(['State'], read, ['Current', 'Voltage', 'State'], undefined, ['State'])).toBe('');
    // With another channel absent as well, that one is the guess.
    expect(renameHint(['State', 'Flow'], read, ['Current', 'Voltage', 'State', 'Flow'], undefined, ['State'])).toBe(
      ' (if column "Pressure" holds Flow: --rename Pressure=Flow)',
    );
  });

  // Regression: the hint wrote --rename "COLUMN=CHANNEL", which bash expands ($, `) or ends early (") inside.
  it.each(['Flow "main"', 'Flow $HOME', 'Flow `id`', "Operator's flow", 'Flow rate (l/min)', 'a\\b; echo x'])(
    'writes a flag for column %j that a real bash reads back as that column',
    (column) => {
      const csv = ['Accelerometer1RMS', 'Current', 'Voltage', column];
      const hint = renameHint(['flow_rms'], csv, model);
      expect(hint.startsWith(` (if column ${JSON.stringify(column)} holds flow_rms: --rename `)).toBe(true);
      expect(pasted(hint)).toEqual([`${column}=flow_rms`]);
      expect([...renameFlag(pasted(hint))!]).toEqual([[column, 'flow_rms']]);
      expect(refuseRenamesOf(renameFlag(pasted(hint)), csv, '--data d')).toBeUndefined();
    },
  );
});
