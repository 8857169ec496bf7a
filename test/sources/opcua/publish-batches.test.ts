/**
 * A publish response that carries two samplings of each item (its queue: sampling faster than publishing, or a publish
 * late) makes one row per sampling, each of its own values. Regression (rowgap-s38): servers list an item's queued
 * values together (A1 A2 B1 B2 …), and the rows split where a channel comes again: 2 samplings of 7 nodes made 8 rows,
 * 7 at the later one's time with values of both, and a healthy pump's score rose from 2.3 to 6.9.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import { PublishBatches } from '../../../src/sources/opcua/publish-batches.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { RowAssembler } from '../../../src/windows/row-assembler.js';
import { Samplings } from '../../../src/windows/samplings.js';

const CHANNELS = ['flow', 'pressure', 'voltage'];

const sample = (channel: string, ts: number, value: number): Sample => ({
  source: 'ua',
  asset: 'pump',
  channel,
  ts,
  received: ts + 50,
  value,
  quality: 'good',
});

/** The batches a PublishBatches delivers for the responses given (each: its publish time and notifications). */
async function delivered(responses: readonly { publishTs: number; items: readonly [number, Sample][] }[]) {
  const batches: Sample[][] = [];
  const b = new PublishBatches({
    source: 'ua',
    metrics: new GatewayMetrics(),
    now: () => 0,
    running: () => true,
    deliver: (batch) => batches.push(batch),
  });
  b.reset([200, 200, 200], 400);
  for (const r of responses) {
    b.published(r.publishTs);
    for (const [index, s] of r.items) b.add(index, s, r.publishTs + 50);
    await new Promise((done) => setImmediate(done));
  }
  return batches;
}

/** The rows the batches make, as AssetWindows forms them: a row per sampling. */
function rows(batches: readonly Sample[][]): { ts: number; values: number[] }[] {
  const samplings = new Samplings('pump');
  const assembler = new RowAssembler('pump', CHANNELS, 5000);
  const out: { ts: number; values: number[] }[] = [];
  for (const batch of batches)
    for (const s of samplings.of(batch)) {
      const row = assembler.push(s);
      if (row) out.push({ ts: row.ts, values: Array.from(row.values) });
    }
  return out;
}

/** Item i's value at sampling time t: i × 1000 + t / 100, so a row's values tell which sampling each came from. */
const value = (i: number, t: number) => i * 1000 + t / 100;

describe('a publish response with several samplings of each item', () => {
  it('makes one row per sampling, each of its own values, from the items listed together', async () => {
    // One response at 400 ms with each item's samplings at 200 and 400 ms, item by item, as servers' queues give them.
    const items = CHANNELS.flatMap((c, i) => [200, 400].map((t): [number, Sample] => [i, sample(c, t, value(i, t))]));
    const made = rows(await delivered([{ publishTs: 400, items }]));
    expect(made).toEqual([
      { ts: 200, values: [value(0, 200), value(1, 200), value(2, 200)] },
      { ts: 400, values: [value(0, 400), value(1, 400), value(2, 400)] },
    ]);
  });

  it('keeps a response of one sampling in the order it came', async () => {
    const items = CHANNELS.map((c, i): [number, Sample] => [i, sample(c, 200 + (2 - i), value(i, 200))]);
    const [batch] = await delivered([{ publishTs: 400, items }]);
    expect(batch.map((s) => s.channel)).toEqual(CHANNELS);
  });

  it('places an item that changed at the later sampling only in that one', async () => {
    // pressure (item 1) did not change at 200 ms: it comes once, stamped 400, and its value before holds at 200.
    const first = CHANNELS.map((c, i): [number, Sample] => [i, sample(c, 0, value(i, 0))]);
    const items: [number, Sample][] = [
      [0, sample('flow', 200, value(0, 200))],
      [0, sample('flow', 400, value(0, 400))],
      [1, sample('pressure', 400, value(1, 400))],
      [2, sample('voltage', 200, value(2, 200))],
      [2, sample('voltage', 400, value(2, 400))],
    ];
    const made = rows(
      await delivered([
        { publishTs: 0, items: first },
        { publishTs: 400, items },
      ]),
    );
    expect(made.slice(1)).toEqual([
      { ts: 200, values: [value(0, 200), value(1, 0), value(2, 200)] },
      { ts: 400, values: [value(0, 400), value(1, 400), value(2, 400)] },
    ]);
  });
});
