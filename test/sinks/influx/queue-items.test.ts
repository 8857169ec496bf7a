/** A write's records as the InfluxDB queue's items, and raw samples decimated: apart from the queue and HTTP. */
import { describe, expect, it } from 'vitest';
import type { SinkRecords } from '../../../src/core/components.js';
import type { Sample } from '../../../src/core/types.js';
import { queueItems, RawDecimator } from '../../../src/sinks/influx/queue-items.js';
import { anomalyEvent } from '../../../src/testing/alarm-events.js';

const tags = { site: 's', line: 'l', gateway: 'g' };
const sample = (channel: string, ts: number): Sample =>
  ({ ts, source: 'plc', asset: 'pump-1', channel, value: 1.5, quality: 'good' }) as Sample;

describe('queueItems', () => {
  it('puts each class in its own item, each alarm on its own, and leaves out raw samples not written', () => {
    const records: SinkRecords = {
      samples: [sample('flow', 1_000), sample('temp', 1_000)],
      scores: [],
      alarms: [anomalyEvent('unack_active', { ts: 2_000 }), anomalyEvent('ack_active', { ts: 3_000 })],
    };
    const items = queueItems(records, records.samples, tags);
    expect(items.map((i) => [i.priority, i.count])).toEqual([
      ['raw', 2],
      ['alarm', 1],
      ['alarm', 1],
    ]);
    expect(items[0].payload.split('\n')).toHaveLength(2);
    expect(items[0].payload).toMatch(/^linewatch_sample,/);
    expect(queueItems(records, undefined, tags).map((i) => i.priority)).toEqual(['alarm', 'alarm']);
    expect(queueItems({ samples: [], scores: [], alarms: [] }, [], tags)).toEqual([]);
  });
});

describe('RawDecimator', () => {
  it('keeps the first sample per channel in each interval, and every sample with interval 0', () => {
    const d = new RawDecimator(1_000);
    const kept = d.keep([sample('flow', 0), sample('temp', 10), sample('flow', 500), sample('flow', 1_000)]);
    expect(kept.map((s) => [s.channel, s.ts])).toEqual([
      ['flow', 0],
      ['temp', 10],
      ['flow', 1_000],
    ]);
    const all = [sample('flow', 0), sample('flow', 1)];
    expect(new RawDecimator(0).keep(all)).toBe(all);
  });

  it('starts the interval again at a sample stamped more than an interval before the last kept one', () => {
    const d = new RawDecimator(1_000);
    d.keep([sample('flow', 86_400_000)]); // one stamp a day ahead
    expect(d.keep([sample('flow', 5_000), sample('flow', 5_500), sample('flow', 6_000)]).map((s) => s.ts)).toEqual([
      5_000, 6_000,
    ]);
  });
});
