/**
 * Fault injection into a real SQLite file (a disk queue, the local store) while its owner has it
 * open: a second connection to the same file adds a trigger that makes SQLite fail the statement
 * (as a full disk or an I/O error would), or moves the table away; heal() undoes it and closes the
 * connection.
 */
import Database from 'better-sqlite3';

export const INJECTED = 'disk I/O error (injected)';

export interface SqliteFault {
  /** Every DELETE from the table fails (accepting a batch, evicting, pruning). */
  failDeletes(): SqliteFault;
  /** Every INSERT into the table fails (a commit of the alarm journal on a full disk). */
  failInserts(): SqliteFault;
  /** Storing a row whose payload column holds this fails (a queue's item). */
  failInsertsOf(payload: string): SqliteFault;
  /** The table is gone: every statement on it fails. */
  hideTable(): SqliteFault;
  heal(): void;
}

export function sqliteFault(path: string, table = 'queue'): SqliteFault {
  const db = new Database(path);
  const undo: string[] = [];
  const raise = `BEGIN SELECT RAISE(ABORT, '${INJECTED}'); END`;
  const fault: SqliteFault = {
    failDeletes() {
      db.exec(`CREATE TRIGGER lw_fail_delete BEFORE DELETE ON ${table} ${raise}`);
      undo.push('DROP TRIGGER lw_fail_delete');
      return fault;
    },
    failInserts() {
      db.exec(`CREATE TRIGGER lw_fail_inserts BEFORE INSERT ON ${table} ${raise}`);
      undo.push('DROP TRIGGER lw_fail_inserts');
      return fault;
    },
    failInsertsOf(payload) {
      db.exec(
        `CREATE TRIGGER lw_fail_insert BEFORE INSERT ON ${table} WHEN NEW.payload = '${payload.replaceAll("'", "''")}' ${raise}`,
      );
      undo.push('DROP TRIGGER lw_fail_insert');
      return fault;
    },
    hideTable() {
      db.exec(`ALTER TABLE ${table} RENAME TO lw_hidden_${table}`);
      undo.push(`ALTER TABLE lw_hidden_${table} RENAME TO ${table}`);
      return fault;
    },
    heal() {
      for (const statement of undo.reverse()) db.exec(statement);
      db.close();
    },
  };
  return fault;
}
