/**
 * The `window:` settings, composed from the window types (a new type: its folder, one line in
 * WINDOW_TYPES, and its case in asset-windows.ts). Shared by the daemon's asset pipelines and the
 * Node-RED window node, so both cut windows the same way.
 */
import { z } from 'zod';
import { cycleWindowType } from './cycle/window-type.js';
import { slidingWindowType } from './sliding/window-type.js';
import { DEFAULT_MAX_SAMPLE_AGE_MS } from './row-assembler.js';

export const WINDOW_TYPES = [slidingWindowType, cycleWindowType] as const;

export const windowSchema = z
  .strictObject({
    type: z
      .enum(['sliding', 'cycle'])
      .default('sliding')
      .describe('sliding: continuous monitoring; cycle: one window per produced part.'),
    ...slidingWindowType.fields,
    align: z
      .enum(['batch', 'hold', 'linear'])
      .default('batch')
      .describe(
        "How rows are formed: batch = one row per source poll or publish (sources at the model's rate); hold / linear = channels at any rates put on the model's time grid, newest value or interpolated.",
      ),
    max_sample_age_ms: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_MAX_SAMPLE_AGE_MS)
      .describe(
        "How long a channel's last good value is held (between polls, and over a failed read: a timeout, a Modbus " +
          'exception answer, a connection down); a channel whose newest good value is older makes the row ' +
          'incomplete. A bad value the device reports (an OPC UA Bad status code) is never held over.',
      ),
    ...cycleWindowType.fields,
  })
  .describe("How an asset's samples become windows (also the Node-RED window node's settings).");

export type WindowSettings = z.infer<typeof windowSchema>;

/** The window type a settings object names. */
export function windowTypeOf(settings: WindowSettings) {
  return WINDOW_TYPES.find((t) => t.type === settings.type)!;
}
