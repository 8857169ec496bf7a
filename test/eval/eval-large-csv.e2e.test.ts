/**
 * A CSV larger than linewatch reads whole (CSV_MAX_BYTES) is refused before it is read, naming its size and what to
 * do, by train and by eval (which measures the other files); a pipe, whose size no stat says, once it has given
 * more. Before, such a file crashed the process out of memory or past V8's longest string. The files are sparse:
 * their size costs no disk.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvText } from '../../src/core/csv-file.js';
import { runCli } from '../helpers/cli.js';
import { VALVE } from '../helpers/csv-tables.js';

const REFUSAL =
  ': 314572800 bytes, more than the 256 MiB a CSV may have (it is read whole, into about ten times its size in ' +
  'memory); split it by time, or cut it to the rows needed';

describe('a CSV too large to read whole', () => {
  it('is refused by train and left out by eval with the reason, the other files measured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-large-'));
    const valve = await readFile(VALVE, 'utf8');
    const huge = join(dir, 'huge.csv');
    // A real header and rows, then zeros to 300 MiB: eval sees a labelled file by its header.
    await writeFile(huge, valve.split('\n').slice(0, 3).join('\n'));
    await truncate(huge, 300 * 1024 * 1024);
    await writeFile(join(dir, 'valve.csv'), valve);
    const trained = await runCli(['train', '--csv', huge, '--out', join(dir, 'model')]);
    expect(trained.code).toBe(1);
    expect(trained.stderr).toBe(`linewatch: ${huge}${REFUSAL}\n`);
    const res = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout) as { files: number; not_evaluated: { file: string; reason: string }[] };
    expect(r.files).toBe(1);
    expect(r.not_evaluated).toEqual([{ file: 'huge.csv', reason: REFUSAL.slice(2) }]);
  });

  it('reads a file at the bound, and refuses one byte more', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-bound-'));
    const file = join(dir, 'a.csv');
    await writeFile(file, 'datetime,x\n');
    await truncate(file, 64);
    expect(readCsvText(file, 64)).toHaveLength(64);
    expect(() => readCsvText(file, 63)).toThrow(`${file}: 64 bytes, more than the 63 bytes a CSV may have`);
  });

  it('refuses a pipe once it has given more than the bound', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-fifo-'));
    const fifo = join(dir, 'stream.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `head -c 5000 /dev/zero > '${fifo}'`]);
    const closed = new Promise((resolve) => writer.on('close', resolve));
    expect(() => readCsvText(fifo, 1000)).toThrow(/^.*stream\.csv: at least \d+ bytes, more than the 1000 bytes a CSV/);
    writer.kill();
    await closed;
  });
});
