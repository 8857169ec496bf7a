/**
 * How a table of part results is matched with the recordings it labels: recordings by their path under --data (two of
 * one name in two folders), part ids as written (serial numbers that start with a digit, ids too long for a number),
 * recordings the table does not name passed over, and every table that names no part, or cannot say which part it
 * means, refused with why.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { evalPartsJson, pressDataset } from '../helpers/press-data.js';

const CUT = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter', '--train-rows', '18000'];

/** A recording with each part counter value written as `id(value)`. */
function withIds(csv: string, id: (counter: string) => string): string {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const k = header.split(',').indexOf('part_counter');
  return (
    [
      header,
      ...rows.map((r) =>
        r
          .split(',')
          .map((c, j) => (j === k ? id(c) : c))
          .join(','),
      ),
    ].join('\n') + '\n'
  );
}

/** The table's rows of one recording, its file and ids written anew. */
function tableOf(results: string, from: string, file: string, id: (counter: string) => string = (c) => c): string[] {
  return results
    .split('\n')
    .filter((l) => l.startsWith(`${from},`))
    .map((l) => {
      const [, part, result] = l.split(',');
      return `${file},${id(part)},${result}`;
    });
}

describe('a table of part results matched with its recordings', () => {
  let data: string;
  let results: string;
  let work: string;
  beforeAll(async () => {
    data = await pressDataset(2, 5);
    work = await mkdtemp(join(tmpdir(), 'lw-part-match-work-'));
    results = await readFile(join(data, 'part-results.csv'), 'utf8');
  });

  it('tells two recordings of one name in two folders apart by their path under --data', async () => {
    const d = join(work, 'lines');
    for (const [line, file] of [
      ['line1', 'bad-press-fit-1.csv'],
      ['line2', 'bad-press-fit-2.csv'],
    ]) {
      await mkdir(join(d, line), { recursive: true });
      await writeFile(join(d, line, 'rec.csv'), await readFile(join(data, file), 'utf8'));
    }
    const table = join(work, 'lines.csv');
    await writeFile(
      table,
      [
        'file,part_id,result',
        ...tableOf(results, 'bad-press-fit-1.csv', 'line1/rec.csv'),
        ...tableOf(results, 'bad-press-fit-2.csv', 'line2\\rec.csv'),
      ].join('\n'),
    );
    const rows = await evalPartsJson(['--data', d, ...CUT]);
    const parts = await evalPartsJson(['--data', d, ...CUT, '--part-labels', table]);
    expect(parts.confusion).toEqual(rows.confusion);
    // One folder alone: its recording is rec.csv under --data, and its full path still tells line1/rec.csv's results
    // from line2/rec.csv's.
    const line2 = await evalPartsJson(['--data', join(d, 'line2'), ...CUT]);
    expect((await evalPartsJson(['--data', join(d, 'line2'), ...CUT, '--part-labels', table])).confusion).toEqual(
      line2.confusion,
    );
    expect(line2.confusion.tp + line2.confusion.fn).toBe(100);
    // A bare file name that fits both recordings cannot say which.
    const bare = join(work, 'bare.csv');
    await writeFile(bare, ['file,part_id,result', ...tableOf(results, 'bad-press-fit-1.csv', 'rec.csv')].join('\n'));
    const res = await runCli(['eval', '--data', d, ...CUT, '--part-labels', bare]);
    expect([res.code, res.stderr.trim()]).toEqual([
      2,
      `linewatch: --part-labels ${bare}: its file column's rec names both ${join('line1', 'rec.csv')} and ${join('line2', 'rec.csv')}; write each recording as its path under --data (line1/rec.csv)`,
    ]);
  });

  it.each([
    ['serial numbers that start with a digit', (c: string) => `2601${c.padStart(6, '0')}X`],
    ['ids too long for a number to hold exactly', (c: string) => (100000000000000000n + BigInt(c)).toString()],
  ])('reads part ids as written: %s', async (_what, id) => {
    const d = join(work, `ids-${id('1')}`);
    await mkdir(d);
    await writeFile(join(d, 'rec.csv'), withIds(await readFile(join(data, 'bad-press-fit-2.csv'), 'utf8'), id));
    const table = join(work, `ids-${id('1')}.csv`);
    await writeFile(
      table,
      ['file,serial,result', ...tableOf(results, 'bad-press-fit-2.csv', 'rec.csv', id)].join('\n'),
    );
    const rows = await evalPartsJson(['--data', d, ...CUT]);
    const parts = await evalPartsJson(['--data', d, ...CUT, '--part-labels', table]);
    expect(rows.confusion.tp + rows.confusion.fn).toBe(100);
    expect(parts.confusion).toEqual(rows.confusion);
  });

  it('passes over the recordings the table does not name (not a failure for --strict), and names them', async () => {
    const res = await runCli([
      'eval',
      '--data',
      data,
      ...CUT,
      '--part-labels',
      join(data, 'part-results.csv'),
      '--strict',
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ files: 2, without_results: ['anomaly-free.csv'] });
  });

  it('refuses a table that has no result for any part of the recordings, naming some of its results', async () => {
    const table = join(work, 'elsewhere.csv');
    await writeFile(table, 'part_id,result\n5001,OK\n5002,NOK\n');
    const res = await runCli(['eval', '--data', join(data, 'bad-press-fit-1.csv'), ...CUT, '--part-labels', table]);
    expect([res.code, res.stderr.trim()]).toEqual([
      2,
      `linewatch: --part-labels ${table}: no part of ${join(data, 'bad-press-fit-1.csv')} has a result there (its results: 5001, 5002, …; ids from part_counter)`,
    ]);
  });

  it("refuses train's table where it labels no part of the recording: another recording's, or ids written otherwise", async () => {
    const csv = join(data, 'bad-press-fit-1.csv');
    const train = (table: string) =>
      runCli(['train', '--csv', csv, ...CUT.slice(0, 4), '--part-labels', table, '--out', join(work, 'model')]);
    const other = join(work, 'other-recording.csv');
    await writeFile(other, 'file,part_id,result\nline-7.csv,1,OK\nline-7.csv,2,NOK\n');
    const a = await train(other);
    expect([a.code, a.stderr.trim()]).toEqual([
      2,
      `linewatch: --part-labels ${other}: its file column names no file like ${csv} (it names line-7, …)`,
    ]);
    const ids = join(work, 'serials.csv');
    await writeFile(ids, 'serial,result\nPRS-1,OK\nPRS-2,NOK\n');
    const b = await train(ids);
    expect(b.code).toBe(1);
    expect(b.stderr.trim()).toMatch(
      new RegExp(
        `^linewatch: ${csv}: none of its \\d+ parts \\(ids 1 to \\d+, from part_counter\\) has a result in ${ids}$`,
      ),
    );
  });

  it('says the table rejected the parts where too few are left to learn from', async () => {
    const table = join(work, 'all-nok.csv');
    const rows = tableOf(results, 'bad-press-fit-1.csv', 'bad-press-fit-1.csv').map((l) => l.replace(/,OK$/, ',NOK'));
    await writeFile(table, ['file,part_id,result', ...rows].join('\n'));
    const res = await runCli(['eval', '--data', join(data, 'bad-press-fit-1.csv'), ...CUT, '--part-labels', table]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`0 parts give 0 to learn from and 0 held out; each needs at least 20`);
    expect(res.stderr).toContain(`more were rejected in ${table} and left out`);
  });
});
