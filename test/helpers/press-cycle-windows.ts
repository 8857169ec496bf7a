/** An asset's cycle windows as a press or moulder's OPC UA tests cut them: a part per rise of cycle_active. */
import { windowSchema } from '../../src/config/schema.js';
import type { Window } from '../../src/core/types.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';

/** Cycle windows of `asset` on `channels`, cut by the flag cycle_active, named by part_counter. */
export function pressCycleWindows(
  asset: string,
  channels: string[],
  o: {
    windowLength: number;
    maxSamples: number;
    maxSampleAgeMs: number;
    /** The model's sample period, as the gateway passes it (a pause or a step back then ends a part); none: not. */
    periodMs?: number;
    onLateRow?: (source: string, lateMs: number) => void;
  },
): AssetWindows {
  return new AssetWindows(
    asset,
    channels,
    o.windowLength,
    windowSchema.parse({
      type: 'cycle',
      trigger_channel: 'cycle_active',
      trigger: 'flag',
      part_id_channel: 'part_counter',
      min_samples: 5,
      max_samples: o.maxSamples,
      max_sample_age_ms: o.maxSampleAgeMs,
    }),
    o.periodMs,
    undefined,
    undefined,
    o.onLateRow,
  );
}

/**
 * The parts the gateway's cycle windows cut from a press recording (press-dataset.ts's CSV: the time in ms, then the
 * channels, cycle_active and part_counter), each row one batch of good samples, as a Modbus poll delivers them.
 */
export function gatewayParts(
  text: string,
  channels: string[],
  o: { windowLength: number; periodMs: number; maxSampleAgeMs: number },
): Window[] {
  const [head, ...lines] = text.trimEnd().split('\n');
  const header = head.split(',');
  const windows = pressCycleWindows('press', channels, { ...o, maxSamples: 10_000 });
  const parts: Window[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const ts = Number(cells[0]);
    const batch = header.slice(1).map((channel, k) => ({
      source: 'csv',
      asset: 'press',
      channel,
      ts,
      value: Number(cells[k + 1]),
      quality: 'good' as const,
    }));
    for (const outcome of windows.push(batch)) if (outcome.kind === 'window') parts.push(outcome.window);
  }
  return parts;
}
