/** An asset's cycle windows as a press or moulder's OPC UA tests cut them: a part per rise of cycle_active. */
import { windowSchema } from '../../src/config/schema.js';
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
