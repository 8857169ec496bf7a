/**
 * Regression: a part after export's pause row was left out as if its trigger could not be read.
 *
 * Found by: `linewatch export` of a gateway run (poll 40 ms, max_sample_age_ms 200, model press-ae with
 * sample_period_ms 200) marked a 245 ms gap between polls with an empty row; `train --csv` then left out the part
 * after it as "PRS-000002 (its start was not seen: the trigger could not be read)". The trigger was read on every
 * row: the recording paused before the part started. (The gateway itself judged PRS-000002 - fail, score 0.315 -
 * because its pause rule is max(max_sample_age_ms, 1.5 x the model's sample period) = 300 ms, while export marks a
 * pause beyond max_sample_age_ms alone: the export's parts are not the gateway's there.)
 */
import { describe, expect, it } from 'vitest';
import { csvParts } from '../../src/training/csv-parts.js';

const rows = ['timestamp,force,cycle_active,serial'];
let t = 1_796_592_649_200; // Unix ms, as export writes
const add = (force: number, active: number, serial: string) => rows.push(`${(t += 40)},${force},${active},${serial}`);
for (let p = 1; p <= 3; p++) {
  for (let i = 0; i < 10; i++) add(i + 1, 1, `P${p}`);
  for (let i = 0; i < 5; i++) add(0, 0, `P${p}`);
  if (p === 1) rows.push(`${t + 1},,,`); // export's pause row: the gateway did not poll for 245 ms
  if (p === 1) t += 245;
}

describe('a part after a pause in the recording', () => {
  it('is left out saying the recording paused, not that the trigger could not be read', () => {
    const parts = csvParts(rows.join('\n') + '\n', 'rec.csv', {
      cycleChannel: 'cycle_active',
      trigger: 'flag',
      partIdChannel: 'serial',
      channels: ['force'],
      windowLength: 8,
      minRows: 5,
      maxRows: 100,
    } as Parameters<typeof csvParts>[2]);
    const reasons = parts.leftOut.map((p) => p.reason);
    expect(reasons.join('; ')).not.toContain('the trigger could not be read');
    expect(parts.leftOut.map((p) => p.partId)).toEqual(['P2']);
    expect(reasons[0]).toBe(
      `its start was not seen: a pause in the recording (a row with no reading: no reading from ` +
        `${new Date(1_796_592_649_200 + 15 * 40).toISOString()} to ${new Date(1_796_592_649_200 + 16 * 40 + 245).toISOString()}, 0.285 s)`,
    );
    expect(parts.partIds).toEqual(['P3']); // P1 runs at the first row: not seen from its start
  });
});
