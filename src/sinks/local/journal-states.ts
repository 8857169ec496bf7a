/**
 * Each alarm's last state as the local store's journal holds it, read back for the gateway to restore at start: the
 * newest journal row per asset and alarm, since when it has been active, its shelve's end and its hold and off delay
 * counts. Rows whose times are no times (edited by hand, a damaged file) are read as far as they can be.
 */
import type Database from 'better-sqlite3';
import type { JournaledAlarm } from '../../core/components.js';
import { isTime } from '../../core/epoch-time.js';
import { HOLD_OF_JOURNAL_ROW, holdOf } from './alarm-holds.js';
import { NEWEST_JOURNAL_ROWS } from './store-tables.js';

/**
 * Since when the alarm of journal row `j` has been active: its first active row after its last return to normal,
 * acknowledged (normal) or not (rtn_unack: a raise out of it is a new activation), where the retention pruned that,
 * the oldest active row kept; or none. A row `j` in rtn_unack itself gets the raise of the activation it ended, as the
 * running gateway says.
 */
const ACTIVE_SINCE = `SELECT MIN(a.ts) FROM alarm_journal a WHERE a.asset = j.asset AND a.alarm = j.alarm
  AND a.state IN ('unack_active', 'ack_active') AND a.rowid > COALESCE((SELECT MAX(n.rowid) FROM alarm_journal n
  WHERE n.asset = j.asset AND n.alarm = j.alarm AND (n.state = 'normal' OR (n.state = 'rtn_unack' AND n.rowid < j.rowid))), 0)`;

/** Each alarm's last journaled state (the newest row per asset and alarm, in the order they were written). */
export function readLastAlarmStates(db: Database.Database): JournaledAlarm[] {
  return db
    .prepare(
      `SELECT asset, alarm, state, ts, shelved_until AS shelvedUntil, (${ACTIVE_SINCE}) AS since, ${HOLD_OF_JOURNAL_ROW}
         FROM alarm_journal j WHERE rowid IN (${NEWEST_JOURNAL_ROWS})`,
    )
    .all()
    .flatMap((row) => {
      const { asset, alarm, state, ts, shelvedUntil, since, holdMs, holdTs, holdBelowMs } = row as Omit<
        JournaledAlarm,
        'ts'
      > & {
        ts: unknown;
        shelvedUntil: unknown;
        since: unknown;
        holdMs: unknown;
        holdTs: unknown;
        holdBelowMs: unknown;
      };
      const hold = holdOf(holdMs, holdTs, holdBelowMs);
      // A row whose time is no time (edited by hand, a damaged file) restores nothing; a shelve's end, or a time
      // active since, that is no time is as if none were journaled.
      if (!isTime(ts)) return [];
      return [
        {
          asset,
          alarm,
          state,
          ts,
          ...(isTime(shelvedUntil) ? { shelvedUntil } : {}),
          ...(isTime(since) ? { since } : {}),
          ...(hold ? { hold } : {}),
        },
      ];
    });
}
