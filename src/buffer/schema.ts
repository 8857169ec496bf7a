/** The configuration of a sink's queue (the `buffer` of storage.influxdb and cloud.mqtt). */
import { z } from 'zod';

export const bufferSchema = z.strictObject({
  type: z
    .enum(['disk', 'memory'])
    .default('disk')
    .describe('disk: SQLite file, survives restarts and crashes; memory: lost on restart.'),
  path: z.string().optional().describe('Queue file; default `<data_dir>/<sink>.queue.db`.'),
  max_bytes: z
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024)
    .describe('Beyond this the oldest records are dropped (counted).'),
  sync: z
    .enum(['normal', 'full'])
    .default('normal')
    .describe('normal: survives a process crash; full: also a power loss (slower).'),
});

export type BufferConfig = z.infer<typeof bufferSchema>;
