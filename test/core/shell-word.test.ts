/** A printed command-line value, pasted into a real shell, reads back as the value itself. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellWord } from '../../src/core/shell-word.js';

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
