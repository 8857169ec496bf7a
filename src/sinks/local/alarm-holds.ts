/**
 * The local store's table of held alarms' counts (alarm_holds: one row per asset and alarm, the newest count): how
 * long an active alarm's score has been seen at or below its clear level (ms), and of that below where it clears (its
 * off delay's count, below_ms), which the journal's transitions do not say, for a restart to go on from
 * (AlarmStateMachine.restore) instead of holding a settled alarm for the sustain time, or the off delay, again.
 * Counts are kept in memory until the store's next commit (the flush each second, or the group commit of an alarm
 * transition written in the same turn: the raise and the count it starts again go in one transaction); only the
 * newest per alarm is written. A crash loses at most the last second's counting, which makes the hold and the off
 * delay longer, never shorter.
 */
import type Database from 'better-sqlite3';
import type { AlarmHoldCount } from '../../core/components.js';

export const ALARM_HOLDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS alarm_holds (asset TEXT NOT NULL, alarm TEXT NOT NULL, ts INTEGER NOT NULL, ms INTEGER, below_ms INTEGER, below_ts INTEGER, PRIMARY KEY (asset, alarm));
`;

/**
 * The columns stores made before the off delay's count was kept lack: the count, and the time of the count it was
 * written with (below_ts). A version before it, run on this store (a rollback), writes ts and ms and leaves below_ms
 * as it was: the count is taken back only where below_ts is the row's ts, written in the same statement.
 */
export const ALARM_HOLDS_BELOW_COLUMNS = ['below_ms INTEGER', 'below_ts INTEGER'] as const;

/** Selects, for an alarm_journal row aliased `j`, its alarm's count, the count's time and its off delay's count, as
 * `holdMs`, `holdTs` and `holdBelowMs`. */
export const HOLD_OF_JOURNAL_ROW = `(SELECT h.ms FROM alarm_holds h WHERE h.asset = j.asset AND h.alarm = j.alarm) AS holdMs,
  (SELECT h.ts FROM alarm_holds h WHERE h.asset = j.asset AND h.alarm = j.alarm) AS holdTs,
  (SELECT CASE WHEN h.below_ts = h.ts THEN h.below_ms END FROM alarm_holds h WHERE h.asset = j.asset AND h.alarm = j.alarm) AS holdBelowMs`;

const keyOf = (h: AlarmHoldCount) => `${h.asset}\u0000${h.alarm}`;

/** The counts written since the last commit, the newest per alarm. */
export class PendingHolds {
  private pending = new Map<string, AlarmHoldCount>();

  get size(): number {
    return this.pending.size;
  }

  note(holds: readonly AlarmHoldCount[]): void {
    for (const h of holds) this.pending.set(keyOf(h), h);
  }

  /** The counts to commit, now taken; `failed` puts back those no newer one has replaced since. */
  take(): { readonly holds: readonly AlarmHoldCount[]; failed(): void } {
    const holds = [...this.pending.values()];
    this.pending = new Map();
    return {
      holds,
      failed: () => {
        for (const h of holds) if (!this.pending.has(keyOf(h))) this.pending.set(keyOf(h), h);
      },
    };
  }
}

/** The statement that writes an alarm's count over the one before (inside the store's transaction). */
export function upsertHold(db: Database.Database): (h: AlarmHoldCount) => void {
  const upsert = db.prepare(
    `INSERT INTO alarm_holds (asset, alarm, ts, ms, below_ms, below_ts) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (asset, alarm) DO UPDATE SET ts = excluded.ts, ms = excluded.ms, below_ms = excluded.below_ms,
       below_ts = excluded.below_ts`,
  );
  return (h) => upsert.run(h.asset, h.alarm, h.ts, h.ms ?? null, h.belowMs ?? null, h.ts);
}

/**
 * Deletes the counts of assets not in `kept` (removed from the configuration: nothing restores them, and an asset
 * added again later under the same name must not take a count from another run); the journal keeps their rows.
 * Returns the assets whose counts it deleted.
 */
export function forgetHoldsExcept(db: Database.Database, kept: readonly string[]): string[] {
  const others = `FROM alarm_holds WHERE asset NOT IN (SELECT value FROM json_each(?))`;
  const list = JSON.stringify(kept);
  return db.transaction(() => {
    const assets = (db.prepare(`SELECT DISTINCT asset ${others} ORDER BY asset`).all(list) as { asset: string }[]).map(
      (r) => r.asset,
    );
    db.prepare(`DELETE ${others}`).run(list);
    return assets;
  })();
}

/** The count a journal row's alarm had (HOLD_OF_JOURNAL_ROW's columns), where both are finite numbers not below 0
 * (a row edited by hand or a damaged file restores no count; the state machine bounds it further), with its off
 * delay's count where that is one too. */
export function holdOf(
  holdMs: unknown,
  holdTs: unknown,
  belowMs: unknown,
): { ms: number; ts: number; belowMs?: number } | undefined {
  const count = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!count(holdMs) || !count(holdTs)) return undefined;
  return { ms: holdMs, ts: holdTs, ...(count(belowMs) ? { belowMs } : {}) };
}
