/** The configuration of a sink's queue (the `buffer` of storage.influxdb and cloud.mqtt). */
import { z } from 'zod';

export const bufferSchema = z.strictObject({
  /** disk: SQLite file, survives restarts and crashes; memory: lost on restart. */
  type: z.enum(['disk', 'memory']).default('disk'),
  /** Queue file; default `<data_dir>/<sink>.queue.db`. */
  path: z.string().optional(),
  max_bytes: z
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024),
  /** normal: survives a process crash; full: also a power loss (slower). */
  sync: z.enum(['normal', 'full']).default('normal'),
});

export type BufferConfig = z.infer<typeof bufferSchema>;
