import { describe, expect, it } from 'vitest';
import { isRunning, parseRunningCondition, runningConditionText } from '../../src/core/running-condition.js';

describe('a running condition', () => {
  it('reads the four forms of --running-when, values as numbers, booleans or words', () => {
    expect(parseRunningCondition('XS-100=RUN')).toEqual({ channel: 'XS-100', equals: 'RUN' });
    expect(parseRunningCondition(' run_bit = true ')).toEqual({ channel: 'run_bit', equals: true });
    expect(parseRunningCondition('Mode!=2')).toEqual({ channel: 'Mode', not_equals: 2 });
    expect(parseRunningCondition('Speed>100.5')).toEqual({ channel: 'Speed', above: 100.5 });
    expect(parseRunningCondition('Current<-1')).toEqual({ channel: 'Current', below: -1 });
    for (const text of ['XS-100=RUN', 'Mode!=2', 'Speed>100.5', 'Current<-1'])
      expect(runningConditionText(parseRunningCondition(text))).toBe(text);
  });

  it('refuses what it cannot read, naming the flag and the forms', () => {
    expect(() => parseRunningCondition('Speed')).toThrow(
      '--running-when "Speed": expected CHANNEL=VALUE, CHANNEL!=VALUE, CHANNEL>NUMBER or CHANNEL<NUMBER (e.g. Mode=RUN, Speed>100)',
    );
    expect(() => parseRunningCondition('Mode=')).toThrow('--running-when "Mode=": expected CHANNEL=VALUE');
    expect(() => parseRunningCondition('Speed>fast', 'running_when')).toThrow(
      'running_when "Speed>fast": > compares with a number, not "fast"',
    );
  });

  it('judges a reading: a RUN bit as 1 or true alike, words exactly, no reading as not running', () => {
    const bit = { channel: 'run', equals: true };
    expect([1, true, 0, false, Number.NaN, undefined].map((v) => isRunning(bit, v))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    const mode = { channel: 'XS-100', equals: 'RUN' };
    expect(['RUN', ' RUN', 'STOP', 'run', ''].map((v) => isRunning(mode, v))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(['STOP', 'RUN'].map((v) => isRunning({ channel: 'XS-100', not_equals: 'STOP' }, v))).toEqual([false, true]);
    const speed = { channel: 'Speed', above: 100 };
    expect([100, 100.1, '250', 'fast', true].map((v) => isRunning(speed, v))).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect([0.5, 1, 2].map((v) => isRunning({ channel: 'I', below: 1 }, v))).toEqual([true, false, false]);
  });
});
