/**
 * (Used by the test suite.) A run of samples that is easy to count and query back: one good
 * sample per millisecond of one channel, valued by its place in the run.
 */
import type { Sample } from '../core/types.js';

export interface SampleRunOptions {
  readonly source?: string;
  readonly asset?: string;
  readonly channel?: string;
  /** The place of the first sample in a longer run (a writer's running count): its ts is t0 + first. */
  readonly first?: number;
}

/** `n` good samples of one channel: the k-th of the run (from `first`, default 0) at t0 + k ms, valued k. */
export function sampleRun(n: number, t0: number, options: SampleRunOptions = {}): Sample[] {
  const { source = 'plc', asset = 'pump-1', channel = 'flow', first = 0 } = options;
  return Array.from({ length: n }, (_, i) => ({
    source,
    asset,
    channel,
    ts: t0 + first + i,
    value: first + i,
    quality: 'good' as const,
  }));
}

/** One good sample of asset `a`'s `channel` (source plc) at `ts`: a test's row of readings. */
export const goodSample = (channel: string, ts: number, value: number): Sample => ({
  source: 'plc',
  asset: 'a',
  channel,
  ts,
  value,
  quality: 'good',
});
