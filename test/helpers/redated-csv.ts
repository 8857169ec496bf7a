import { readFile, writeFile } from 'node:fs/promises';

/**
 * A copy of a SKAB-layout CSV (`;`-separated, its first column a date) at `to`, its rows re-dated from the first row's
 * time, `step(i)` ms before row i: the same readings as if polled at another rate.
 */
export async function redatedCsv(from: string, to: string, step: (i: number) => number): Promise<void> {
  const [header, ...rows] = (await readFile(from, 'utf8')).trimEnd().split('\n');
  let t = Date.parse(`${rows[0].split(';')[0].replace(' ', 'T')}Z`);
  const out = rows.map((r, i) => {
    if (i > 0) t += step(i);
    return [new Date(t).toISOString(), ...r.split(';').slice(1)].join(';');
  });
  await writeFile(to, [header, ...out].join('\n'));
}
