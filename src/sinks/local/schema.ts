/** The configuration of the local SQLite store (storage.local). */
import { z } from 'zod';

export const localStoreSchema = z.strictObject({
  path: z.string().min(1).optional().describe('SQLite file; default `<data_dir>/linewatch.db`.'),
  retention_hours: z.number().positive().default(168).describe('Older rows are deleted.'),
  write_raw_samples: z.boolean().default(true).describe('Store raw samples, not only scores, alarms and parts.'),
});

export type LocalStoreConfig = z.infer<typeof localStoreSchema>;
