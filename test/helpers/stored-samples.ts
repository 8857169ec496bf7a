/** A gateway's local store written as the gateway writes it (its schema and inserts), holding only samples. */
import type { Sample } from '../../src/core/types.js';
import { insertRows, openStoreDatabase, prepareStatements } from '../../src/sinks/local/store-tables.js';

/** Writes `samples` into the store at `path` (made where there is none), as the gateway's local store keeps them. */
export function writeStoredSamples(path: string, samples: readonly Sample[]): void {
  const db = openStoreDatabase(path);
  db.transaction(() =>
    insertRows(prepareStatements(db), {
      samples: [...samples],
      scores: [],
      parts: [],
      alarms: [],
      holds: [],
      gaps: [],
    }),
  )();
  db.close();
}
