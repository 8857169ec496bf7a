/** A printed command-line value, pasted into a real shell, reads back as the value itself. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandLine, shellWord, shellWords } from '../../src/core/shell-word.js';

/** What `sh` makes of `printf %s WORD`: the one argument the word becomes. */
const readBack = (word: string) => execFileSync('sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' });

describe('shellWord', () => {
  it('leaves a plain list as it is', () => {
    expect(shellWord('Accelerometer1RMS,Current,Pressure')).toBe('Accelerometer1RMS,Current,Pressure');
  });

  it.each(['Volume Flow RateRMS,Pressure', "Operator's note", 'Flow $HOME `id` *;|&', 'Temp (°C)', "a'b''c"])(
    'quotes %j so that a shell reads it back as one unchanged argument',
    (value) => {
      expect(shellWord(value)).not.toBe(value);
      expect(readBack(shellWord(value))).toBe(value);
    },
  );
});

describe('commandLine', () => {
  it('writes arguments as a line a shell splits back into the same arguments (a manifest training.command)', () => {
    const args = ['train', '--csv', 'my export.csv', '--rename', 'Volume Flow RateRMS=flow', '--out', 'm'];
    expect(commandLine(args)).toBe("train --csv 'my export.csv' --rename 'Volume Flow RateRMS=flow' --out m");
    const split = execFileSync('sh', ['-c', `printf '%s\\n' ${commandLine(args)}`], { encoding: 'utf8' });
    expect(split).toBe(`${args.join('\n')}\n`);
  });
});

describe('shellWords', () => {
  it('splits what commandLine wrote back into the same arguments', () => {
    const args = ['train', '--csv', 'my export.csv', '--rename', "Operator's Flow $HOME=flow", '--rename=a b=c', ''];
    expect(shellWords(commandLine(args))).toEqual(args);
  });

  it.each([
    [
      'double quotes and backslashes as a shell reads them',
      'a "b c" "\\$x\\"" d\\ e\\\\',
      ['a', 'b c', '$x"', 'd e\\'],
    ],
    ['a word made of quoted and plain parts, blanks between words', "x'y z'\"w\"  \t v 'a\nb'", ['xy zw', 'v', 'a\nb']],
    ['a backslash before a line break joining the lines', 'a\\\nb', ['ab']],
    ['nothing expanded', 'echo $HOME * `id`', ['echo', '$HOME', '*', '`id`']],
  ])('reads %s', (_, line, words) => {
    expect(shellWords(line)).toEqual(words);
    // As sh itself splits it (nothing there to expand but the quotes: $HOME and * are only in the last case).
    if (!line.includes('$HOME'))
      expect(execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' })).toBe(`${words.join('\n')}\n`);
  });

  it.each(["a 'b", 'a "b', 'a\\', 'a\nb'])('reads no words from %j: a quote or escape left open, two lines', (line) => {
    expect(shellWords(line)).toBeUndefined();
  });
});
