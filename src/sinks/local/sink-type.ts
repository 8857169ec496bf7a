/** storage.local: a SQLite file on the gateway, kept for retention_hours (the local history). */
import { resolve } from 'node:path';
import { defineSink } from '../sink-type.js';
import { SqliteStore } from './sqlite-store.js';
import { localStoreSchema } from './schema.js';

export const localSinkType = defineSink({
  key: 'local',
  schema: localStoreSchema,
  sample: `# The last week on the gateway itself, whatever the network does.
path: /var/lib/linewatch/linewatch.db   # default <data_dir>/linewatch.db
retention_hours: 168
write_raw_samples: true
`,
  series: { writeErrorKinds: ['sqlite'], droppedReasons: ['write_failed', 'journal_backlog'] },
  resolvePaths(config, { baseDir, dataDir }) {
    config.path = resolve(baseDir, config.path ?? resolve(dataDir, 'linewatch.db'));
  },
  create: (config, deps) => new SqliteStore(config, deps),
});
