/** The settings of an asset's anomaly alarm (its actions are composed in by src/config/schema.ts). */
import { z } from 'zod';
import { ALARM_PRIORITIES } from '../core/types.js';

/** The alarm's delays unless configured: the daemon's and `linewatch eval`'s (ISA-18.2 on/off delays against
 * chattering; at a sample period of a second or more they mean two rows in a row above, or below). */
export const DEFAULT_ON_DELAY_MS = 1000;
export const DEFAULT_OFF_DELAY_MS = 5000;

export const alarmSettingsSchema = z
  .strictObject({
    priority: z.enum(ALARM_PRIORITIES).default('high').describe('ISA-18.2 priority, carried on every event.'),
    on_delay_ms: z
      .number()
      .int()
      .min(0)
      .default(DEFAULT_ON_DELAY_MS)
      .describe('The score must stay above the threshold this long before the alarm is raised.'),
    off_delay_ms: z
      .number()
      .int()
      .min(0)
      .default(DEFAULT_OFF_DELAY_MS)
      .describe(
        '...and seen below its clear level this long before it returns to normal (time windows went unscored, or the gateway was stopped, is not counted).',
      ),
    sustain_ms: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        "Raise also when the score stays above its clear level this long (and at least on_delay_ms), below the threshold: a deviation that persists. Default: the span of the model's window (window_length × sample_period_ms) for sliding windows, off for cycle windows (parts); 0: only the threshold raises. It also bounds how long the largest normal score holds a raised alarm (clear_ratio).",
      ),
    clear_ratio: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe(
        "Clear below clear_ratio × threshold; default: the model's calibrated off threshold (manifest score.off_threshold), or its largest normal score where that is lower (score.clear_threshold; the off threshold still sets what the sustain rule reads) until the score has been seen at or below the off threshold for sustain_ms and off_delay_ms (none without it: a plant settled above its largest normal score is let go), else 0.8.",
      ),
    latching: z
      .boolean()
      .default(false)
      .describe('Stays active after the condition clears until acknowledged and reset.'),
    max_shelve_s: z
      .number()
      .positive()
      .max(31 * 86_400)
      .default(8 * 3600)
      .describe('The longest an operator may shelve the alarm (at most 31 days).'),
    threshold: z.number().positive().optional().describe("Overrides the model's calibrated threshold."),
  })
  .describe("An asset's anomaly alarm, without its actions (also the Node-RED alarm node's settings).");

export type AlarmSettings = z.infer<typeof alarmSettingsSchema>;
