/** The configuration of the local SQLite store (storage.local). */
import { z } from 'zod';

export const localStoreSchema = z.strictObject({
  /** SQLite file; default `<data_dir>/linewatch.db`. */
  path: z.string().min(1).optional(),
  retention_hours: z.number().positive().default(168),
  write_raw_samples: z.boolean().default(true),
});

export type LocalStoreConfig = z.infer<typeof localStoreSchema>;
