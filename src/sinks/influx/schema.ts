/** The configuration of the InfluxDB sink (storage.influxdb). */
import { z } from 'zod';
import { bufferSchema } from '../../buffer/schema.js';

export const influxSchema = z.strictObject({
  url: z.url(),
  database: z.string().min(1),
  username: z.string().optional(),
  password: z.string().optional(),
  batch_size: z.number().int().min(1).default(5000),
  flush_interval_ms: z.number().int().min(10).default(1000),
  timeout_ms: z.number().int().min(100).default(5000),
  /** Compress request bodies (less bandwidth on plant networks, more CPU). */
  gzip: z.boolean().default(true),
  write_raw_samples: z.boolean().default(true),
  /** Downsampling of raw samples: at most one point per channel per this many ms (0: every sample). */
  raw_interval_ms: z.number().int().min(0).default(0),
  /**
   * Create the database (and the retention policy) at start, and again if it disappears; false for
   * a user with WRITE only. With true and a user that may not create it, writing goes on anyway.
   */
  create_database: z.boolean().default(true),
  /** Retention of the database, e.g. "30d" or "52w" (InfluxQL duration); created or updated at start. */
  retention: z
    .string()
    .regex(/^(\d+[smhdw])+$|^INF$/, 'expected an InfluxQL duration such as "30d" or "INF"')
    .optional(),
  /** How often the gateway's own health point is written (0: never). */
  health_interval_ms: z.number().int().min(0).default(10_000),
  buffer: bufferSchema.default({ type: 'disk', max_bytes: 256 * 1024 * 1024, sync: 'normal' }),
});

export type InfluxConfig = z.infer<typeof influxSchema>;
