/**
 * The remote configuration's probation mark (probation-mark.ts): what a start makes of it (a table of the pure rule),
 * and the file's writes: a probation that ended removes only its own mark, a stop in order marks it `stopped`.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigProbationFile,
  markAtStart,
  newMark,
  PROBATION_FILE,
  type ConfigProbationMark,
} from '../../src/remote-config/probation-mark.js';

const mark = (o: Partial<ConfigProbationMark> = {}): ConfigProbationMark => ({
  sequence: 7,
  judged: ['plc'],
  previous: 6,
  interrupted: 0,
  ...o,
});

describe('what a start makes of a probation mark', () => {
  it.each([
    ['no mark', { absent: true } as const, 7, { kind: 'none' }],
    [
      'a mark for the configuration that starts, ended once: resumed, counted',
      { value: mark() },
      7,
      { kind: 'resume', mark: mark({ interrupted: 1 }) },
    ],
    [
      'ended a second time in a row: rolled back',
      { value: mark({ interrupted: 1 }) },
      7,
      { kind: 'roll_back', mark: mark({ interrupted: 2 }) },
    ],
    [
      'stopped in order: resumed, not counted, no longer stopped',
      { value: mark({ interrupted: 1, stopped: true }) },
      7,
      { kind: 'resume', mark: mark({ interrupted: 1 }) },
    ],
    [
      'for another sequence than the one that starts: stale',
      { value: mark({ sequence: 8 }) },
      7,
      { kind: 'stale', why: 'is for sequence 8, and sequence 7 starts' },
    ],
    [
      'while the local file starts: stale',
      { value: mark() },
      undefined,
      { kind: 'stale', why: 'is for sequence 7, and the local file starts' },
    ],
    [
      'unreadable: stale, saying why',
      { why: '/d/probation.json: not JSON' },
      7,
      { kind: 'stale', why: 'is unreadable (/d/probation.json: not JSON)' },
    ],
    [
      'for sequence 8, holding the mark of 7 (8 not kept) while 7 starts: 7 resumed, counted',
      { value: { ...mark({ sequence: 8, previous: 7 }), before: mark() } },
      7,
      { kind: 'resume', mark: mark({ interrupted: 1 }) },
    ],
    [
      'for sequence 8, holding the mark of 7, while 8 starts: 8 resumed, 7 left out',
      { value: { ...mark({ sequence: 8, previous: 7 }), before: mark() } },
      8,
      { kind: 'resume', mark: mark({ sequence: 8, previous: 7, interrupted: 1 }) },
    ],
    [
      'for sequence 8, holding the mark of 7, while the local file starts: stale',
      { value: { ...mark({ sequence: 8, previous: 7 }), before: mark() } },
      undefined,
      { kind: 'stale', why: 'is for sequence 8, and the local file starts' },
    ],
  ])('%s', (_name, read, kept, expected) => {
    expect(markAtStart(read, kept)).toEqual(expected);
  });
});

describe('the mark written before a configuration is kept (newMark)', () => {
  const own = mark({ sequence: 8, previous: 7 });
  it.each([
    ['the one running (7) on probation: its mark inside', 7, { value: mark() }, { ...own, before: mark() }],
    [
      "7 on probation, holding an older mark: only 7's inside",
      7,
      { value: { ...mark(), before: mark({ sequence: 6 }) } },
      { ...own, before: mark() },
    ],
    ['no mark: its own', 7, { absent: true } as const, own],
    ['a mark for another sequence than the one running: its own', 7, { value: mark({ sequence: 5 }) }, own],
    ['the local file running: its own', undefined, { value: mark() }, own],
  ])('%s', (_name, running, found, expected) => {
    expect(newMark(own, running, found)).toEqual(expected);
  });
});

describe('the probation mark file', () => {
  let file: ConfigProbationFile;
  beforeEach(async () => {
    file = new ConfigProbationFile(join(await mkdtemp(join(tmpdir(), 'lw-config-mark-')), 'remote-config'));
  });

  it('is removed by the end of its own probation only', async () => {
    await file.write(mark({ sequence: 8 }));
    await file.clear(7); // the probation of 7 ended after 8 was marked
    expect(file.read()).toEqual({ value: mark({ sequence: 8 }) });
    await file.clear(8);
    expect(file.read()).toEqual({ absent: true });
  });

  it('is marked stopped by a stop in order, where it is for the configuration running', async () => {
    await file.write(mark());
    await file.markStopped(6);
    expect(file.read()).toEqual({ value: mark() });
    await file.markStopped(7);
    expect(file.read()).toEqual({ value: mark({ stopped: true }) });
    expect(JSON.parse(await readFile(join(file.dir, PROBATION_FILE), 'utf8'))).toEqual(mark({ stopped: true }));
  });

  it('says what is wrong with a file it cannot use, naming it', async () => {
    await file.write(mark());
    await writeFile(file.path, JSON.stringify({ ...mark(), judged: 'plc' }));
    expect(file.read()).toEqual({ why: `${file.path}: judged: Invalid input: expected array, received string` });
  });
});
