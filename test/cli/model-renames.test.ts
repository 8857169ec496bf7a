/** The --rename flags a model's manifest records (training.command), and the hint eval --model and quantize give. */
import { describe, expect, it } from 'vitest';
import {
  manifestRenames,
  missingChannelsHint,
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
