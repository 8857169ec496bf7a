/**
 * When a machine runs (pure): a condition on one channel — a RUN bit, a mode word, a speed — under which its rows are
 * normal operation to learn from and to score. Rows where it does not hold (a plant stop, a cleaning cycle) are
 * neither learnt nor scored: a stop's readings are no fault, and a model that learnt them takes every channel for one
 * that wanders (w1's historian walk, 2026-12-07: a stop inside the normal span made all 19 channels "slow" and set the
 * alarm at the restart's score). The same condition serves `train`/`eval` (`--running-when`) and a gateway's asset
 * (`assets[].running_when`), so what was learnt and what is scored are the same rows.
 */

/** One channel compared with one value; exactly one of the comparisons. */
export interface RunningCondition {
  readonly channel: string;
  readonly equals?: number | string | boolean;
  readonly not_equals?: number | string | boolean;
  readonly above?: number;
  readonly below?: number;
  /** The rows within this many ms of the condition turning true after a stop are a restart's ramp, not normal
   * operation: treated as stopped rows (restart-settle.ts). Unset or 0: none. */
  readonly settle_ms?: number;
}

/** The condition in the words of `--running-when`: `channel=value`, `channel!=value`, `channel>n`, `channel<n`. */
export function runningConditionText(c: RunningCondition): string {
  if (c.equals !== undefined) return `${c.channel}=${String(c.equals)}`;
  if (c.not_equals !== undefined) return `${c.channel}!=${String(c.not_equals)}`;
  if (c.above !== undefined) return `${c.channel}>${c.above}`;
  return `${c.channel}<${String(c.below)}`;
}

/**
 * A flag's, a cell's or an edit dialog's word as a value: a finite number where it reads as one, true/false, else the
 * word itself.
 */
export function conditionValue(word: string): number | string | boolean {
  const t = word.trim();
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

/**
 * Parses `--running-when`: `channel=value`, `channel!=value`, `channel>number` or `channel<number` (the value a number,
 * true/false, or a word such as RUN). Throws naming `flag` and what is wrong.
 */
export function parseRunningCondition(text: string, flag = '--running-when'): RunningCondition {
  const m = /^\s*([^=!<>]+?)\s*(!=|=|>|<)\s*(.*?)\s*$/.exec(text);
  if (!m || m[3] === '')
    throw new Error(
      `${flag} ${JSON.stringify(text)}: expected CHANNEL=VALUE, CHANNEL!=VALUE, CHANNEL>NUMBER or CHANNEL<NUMBER (e.g. Mode=RUN, Speed>100)`,
    );
  const [, channel, op, word] = m as unknown as [string, string, string, string];
  const value = conditionValue(word);
  if ((op === '>' || op === '<') && typeof value !== 'number')
    throw new Error(`${flag} ${JSON.stringify(text)}: ${op} compares with a number, not ${JSON.stringify(word)}`);
  if (op === '=') return { channel, equals: value };
  if (op === '!=') return { channel, not_equals: value };
  return op === '>' ? { channel, above: value as number } : { channel, below: value as number };
}

/** Two readings the same value: numbers and booleans by value (a RUN bit read as 1 or true alike), words exactly. */
function same(reading: number | string | boolean, value: number | string | boolean): boolean {
  const asNumber = (v: number | string | boolean) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
  const a = asNumber(reading);
  const b = asNumber(value);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return String(a).trim() === String(b).trim();
}

/**
 * Whether a row with `reading` as the condition's channel is one of a running machine. No reading (undefined, NaN, an
 * empty word) is not running: a row whose state is unknown is neither learnt nor scored.
 */
export function isRunning(c: RunningCondition, reading: number | string | boolean | undefined): boolean {
  if (reading === undefined || (typeof reading === 'number' && Number.isNaN(reading))) return false;
  if (typeof reading === 'string' && reading.trim() === '') return false;
  if (c.equals !== undefined) return same(reading, c.equals);
  if (c.not_equals !== undefined) return !same(reading, c.not_equals);
  const n = typeof reading === 'boolean' ? (reading ? 1 : 0) : typeof reading === 'number' ? reading : Number(reading);
  if (!Number.isFinite(n)) return false;
  return c.above !== undefined ? n > c.above : n < (c.below as number);
}
