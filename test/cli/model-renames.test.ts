/** The --rename flags a model's manifest records (training.command), and the hint eval --model and quantize give. */
import { describe, expect, it } from 'vitest';
import {
  manifestRenames,
  missingChannelsHint,
  modelOwnRenames,
  ownRenamesText,
  recordedRenameHint,
  recordedRenames,
} from '../../src/cli/model-renames.js';
import { commandLine } from '../../src/core/shell-word.js';

const SKAB = ['Accelerometer1RMS', 'Current', 'Voltage', 'Volume Flow RateRMS', 'anomaly', 'changepoint'];
const trainedWith = (...args: string[]) => ({
  command: `linewatch ${commandLine(['train', '--csv', 'a.csv', ...args])}`,
});

describe('recordedRenames', () => {
  it('reads each --rename of the recorded command, in both forms, as train read it', () => {
    const training = trainedWith('--rename', 'Volume Flow RateRMS=flow', '--out', 'm', "--rename=Operator's note=note");
    expect([...recordedRenames(training)]).toEqual([
      ['Volume Flow RateRMS', 'flow'],
      ["Operator's note", 'note'],
    ]);
  });

  it.each([
    ['no command', {}],
    ['a command that is no string', { command: ['--rename', 'a=b'] }],
    ['a command with a quote left open', { command: "linewatch train --rename 'a=b" }],
    ['a command too long to be one', { command: `linewatch train --rename a=b ${'x'.repeat(64 * 1024)}` }],
    ['a value train refuses (a channel name with a space)', trainedWith('--rename', 'a=b c')],
    ['a --rename with no value after it', { command: 'linewatch train --rename' }],
  ])('reads none from %s', (_, training) => {
    expect(recordedRenames(training).size).toBe(0);
  });

  it('keeps the first of two renames of one column, or of two to one name', () => {
    const training = trainedWith('--rename', 'a=b', '--rename', 'a=c', '--rename', 'd=b');
    expect([...recordedRenames(training)]).toEqual([['a', 'b']]);
  });
});

describe('recordedRenames: training.renames', () => {
  it('reads the renames train records as column → channel (--rename auto too), before the command', () => {
    const training = {
      renames: { 'FIC-101 A feed [kscmh]': 'FIC-101_A_feed_kscmh', 'TI-9 [°C]': 'TI-9_C' },
      command: 'linewatch train --csv a.csv --rename auto --rename x=y',
    };
    expect([...recordedRenames(training)]).toEqual([
      ['FIC-101 A feed [kscmh]', 'FIC-101_A_feed_kscmh'],
      ['TI-9 [°C]', 'TI-9_C'],
      ['x', 'y'],
    ]);
  });

  it.each([
    ['an array', { renames: [['a b', 'a_b']] }],
    ['a value that is no string', { renames: { 'a b': 7 } }],
    ['a name no configuration takes', { renames: { 'a b': 'a b' } }],
    ['a column with "=" in it (no flag could say it)', { renames: { 'a=b': 'c' } }],
  ])('passes over %s', (_, training) => {
    expect(recordedRenames(training).size).toBe(0);
  });
});

describe('modelOwnRenames', () => {
  const training = { renames: { 'FIC-101 A feed [kscmh]': 'FIC_101', 'PI-7 [kPa g]': 'PI_7' } };
  const channels = ['FIC_101', 'PI_7', 'Current'];

  it("reads a file with the model's original columns as the model was trained to", () => {
    const columns = ['FIC-101 A feed [kscmh]', 'PI-7 [kPa g]', 'Current', 'anomaly'];
    expect([...modelOwnRenames(columns, channels, training, 'f.csv')!]).toEqual([
      ['FIC-101 A feed [kscmh]', 'FIC_101'],
      ['PI-7 [kPa g]', 'PI_7'],
    ]);
  });

  it.each([
    ['the file has every channel already', ['FIC_101', 'PI_7', 'Current', 'FIC-101 A feed [kscmh]']],
    ['a channel is missing that no recorded rename reads', ['FIC-101 A feed [kscmh]', 'PI-7 [kPa g]']],
    ['a column the model was trained on is missing', ['FIC-101 A feed [kscmh]', 'Current']],
  ])('applies none where %s', (_, columns) => {
    expect(modelOwnRenames(columns, channels, training, 'f.csv')).toBeUndefined();
  });

  it('applies none from a model trained with none', () => {
    expect(modelOwnRenames(['a b'], ['a_b'], { command: 'linewatch train --csv a.csv' }, 'f.csv')).toBeUndefined();
  });

  it('refuses a file with both the column the model read and a column of the channel it read it as', () => {
    const columns = ['FIC-101 A feed [kscmh]', 'PI-7 [kPa g]', 'PI_7', 'Current'];
    expect(() => modelOwnRenames(columns, ['FIC_101', 'PI_7'], training, 'f.csv')).toThrow(
      'f.csv: the model was trained reading column "PI-7 [kPa g]" as channel PI_7, and the file has a column ' +
        `"PI_7" too; say which holds PI_7: --rename 'PI-7 [kPa g]=PI_7' or --rename 'PI-7 [kPa g]=other_name'`,
    );
  });

  it('says them in one line, the first three by name', () => {
    const four = new Map([
      ['a b', 'a_b'],
      ['c d', 'c_d'],
      ['e f', 'e_f'],
      ['g h', 'g_h'],
    ]);
    expect(ownRenamesText('--csv f.csv', four)).toBe(
      '--csv f.csv: columns read as the model was trained to read them (4 rename(s) its manifest records): ' +
        '"a b" as a_b, "c d" as c_d, "e f" as e_f, and 1 more',
    );
  });
});

describe('recordedRenameHint', () => {
  const recorded = {
    trained: new Map([
      ['Volume Flow RateRMS', 'flow'],
      ['Current', 'current'],
    ]),
    quantized: new Map<string, string>(),
  };

  it('names the recorded flag for a missing channel whose column the file has, as one shell word', () => {
    expect(recordedRenameHint(['flow'], SKAB, recorded)).toBe(
      " (the model was trained with --rename 'Volume Flow RateRMS=flow': add it)",
    );
    expect(recordedRenameHint(['flow', 'current'], SKAB, recorded)).toBe(
      " (the model was trained with --rename 'Volume Flow RateRMS=flow' --rename Current=current: add them)",
    );
  });

  it('names the flag it replaces where the column is renamed to another name', () => {
    expect(recordedRenameHint(['flow'], SKAB, recorded, new Map([['Volume Flow RateRMS', 'flow_rms']]))).toBe(
      " (the model was trained with --rename 'Volume Flow RateRMS=flow': add it in place of --rename " +
        "'Volume Flow RateRMS=flow_rms')",
    );
  });

  it('says nothing where the file lacks the column, or the channel is not missing', () => {
    expect(recordedRenameHint(['flow'], ['Accelerometer1RMS', 'Flow'], recorded)).toBe('');
    expect(recordedRenameHint(['Pressure'], SKAB, recorded)).toBe('');
  });
});

describe('manifestRenames', () => {
  const quantizedWith = (...args: string[]) => ({
    command: `linewatch ${commandLine(['quantize', '--model', 'm', '--csv', 'raw.csv', ...args])}`,
  });

  it("reads quantize's renames beside train's, each column and name once (train's first)", () => {
    const renames = manifestRenames({
      training: trainedWith('--rename', 'Current=current'),
      quantization: quantizedWith(
        '--rename',
        'Volume Flow RateRMS=flow',
        '--rename',
        'Current=amps',
        '--rename=I=current',
      ),
    });
    expect([...renames.trained]).toEqual([['Current', 'current']]);
    expect([...renames.quantized]).toEqual([['Volume Flow RateRMS', 'flow']]);
  });

  it("names a rename quantize recorded as the model's, where training.command has none", () => {
    const renames = manifestRenames({
      training: trainedWith(),
      quantization: quantizedWith('--rename', 'Volume Flow RateRMS=flow'),
    });
    expect(recordedRenameHint(['flow'], SKAB, renames)).toBe(
      " (the model was quantized with --rename 'Volume Flow RateRMS=flow': add it)",
    );
    const both = manifestRenames({
      training: trainedWith('--rename', 'Current=current'),
      quantization: quantizedWith('--rename', 'Volume Flow RateRMS=flow'),
    });
    expect(recordedRenameHint(['flow', 'current'], SKAB, both)).toBe(
      ' (the model was trained with --rename Current=current and quantized with --rename ' +
        "'Volume Flow RateRMS=flow': add them)",
    );
  });
});

describe('missingChannelsHint', () => {
  const base = {
    missing: ['flow'],
    written: SKAB,
    channels: ['Accelerometer1RMS', 'Current', 'Voltage', 'Volume Flow RateRMS'],
    modelChannels: ['Accelerometer1RMS', 'Current', 'Voltage', 'flow'],
  };

  it("the model's own rename before a guess; the guess where the manifest records none", () => {
    expect(missingChannelsHint({ ...base, training: trainedWith('--rename', 'Volume Flow RateRMS=flow') })).toBe(
      " (the model was trained with --rename 'Volume Flow RateRMS=flow': add it)",
    );
    expect(missingChannelsHint({ ...base, training: trainedWith() })).toBe(
      ' (if column "Volume Flow RateRMS" holds flow: --rename \'Volume Flow RateRMS=flow\')',
    );
  });
});
