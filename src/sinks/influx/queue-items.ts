/**
 * The records a write() gives the InfluxDB sink, as its queue's items (pure): line protocol, one item per eviction
 * class (raw samples and health points, scores, parts, each alarm on its own, journal gaps with the alarms), and the
 * raw samples decimated to at most one per channel per interval.
 */
import type { QueueInput } from '../../buffer/queue.js';
import type { SinkRecords } from '../../core/components.js';
import {
  alarmLine,
  healthLine,
  journalGapLine,
  partLine,
  sampleLine,
  scoreLine,
  type SeriesTags,
} from './line-protocol.js';

/** The records' lines as queue items; `samples`: the raw samples to write (none where they are not written). */
export function queueItems(
  records: SinkRecords,
  samples: SinkRecords['samples'] | undefined,
  tags: SeriesTags,
): QueueInput[] {
  const items: QueueInput[] = [];
  const group = <T>(
    list: readonly T[] | undefined,
    toLine: (r: T) => string | undefined,
    priority: QueueInput['priority'],
  ) => {
    const lines: string[] = [];
    for (const r of list ?? []) {
      const l = toLine(r);
      if (l) lines.push(l);
    }
    if (lines.length > 0) items.push({ payload: lines.join('\n'), count: lines.length, priority });
  };
  if (samples) group(samples, (s) => sampleLine(s, tags), 'raw');
  group(records.health, (h) => healthLine(h, tags), 'raw');
  group(records.scores, (r) => scoreLine(r, tags), 'score');
  group(records.parts, (p) => partLine(p, tags), 'part');
  for (const a of records.alarms) group([a], (e) => alarmLine(e, tags), 'alarm');
  // What the alarm journal lacks is kept as long as the alarms themselves.
  group(records.journalGaps, (g) => journalGapLine(g, tags), 'alarm');
  return items;
}

/**
 * Keeps at most one sample per channel per `intervalMs` (decimation: the first in each interval; 0: every sample). A
 * sample stamped more than an interval before the last kept one starts the interval again: one stamp a day ahead does
 * not drop a day of samples, and two publishers a little apart do not turn decimation off.
 */
export class RawDecimator {
  /** Last raw sample time kept per series. */
  private readonly lastRaw = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  keep(samples: SinkRecords['samples']): SinkRecords['samples'] {
    const interval = this.intervalMs;
    if (interval <= 0) return samples;
    return samples.filter((s) => {
      const key = `${s.asset}\u0000${s.channel}`;
      const last = this.lastRaw.get(key);
      if (last !== undefined && s.ts - last < interval && last - s.ts <= interval) return false;
      this.lastRaw.set(key, s.ts);
      return true;
    });
  }
}
