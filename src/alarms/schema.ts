/** The settings of an asset's anomaly alarm (its actions are composed in by src/config/schema.ts). */
import { z } from 'zod';
import { ALARM_PRIORITIES } from '../core/types.js';

/** An asset's anomaly alarm, without its actions (also the Node-RED alarm node's settings). */
export const alarmSettingsSchema = z.strictObject({
  /** ISA-18.2 priority, carried on every event. */
  priority: z.enum(ALARM_PRIORITIES).default('high'),
  /** The score must stay above the threshold this long before the alarm is raised. */
  on_delay_ms: z.number().int().min(0).default(1000),
  /** ...and below its clear level this long before it returns to normal. */
  off_delay_ms: z.number().int().min(0).default(5000),
  /** Clear below clear_ratio × threshold; default: the model's calibrated off threshold (manifest
   * score.off_threshold), else 0.8. */
  clear_ratio: z.number().gt(0).max(1).optional(),
  /** Stays active after the condition clears until acknowledged and reset. */
  latching: z.boolean().default(false),
  max_shelve_s: z
    .number()
    .positive()
    .default(8 * 3600),
  /** Overrides the model's calibrated threshold. */
  threshold: z.number().positive().optional(),
});

export type AlarmSettings = z.infer<typeof alarmSettingsSchema>;
