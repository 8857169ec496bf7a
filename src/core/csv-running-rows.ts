/**
 * Which rows of a CSV are a running machine's (--running-when on train and eval; pure): the condition
 * (running-condition.ts) judged on its column's reading in each row. The column may hold text (a mode word RUN/STOP,
 * its raw cells read: parseSkabCsv's textCellsOf) or readings (a RUN bit, a speed), and need not be a model channel.
 * A blank cell holds the reading before it, as a historian writes a state tag stored on change (one cell at each
 * change, blank between); rows before the column's first reading, and from a cell that says no value (`Bad`,
 * `I/O Timeout`, `#N/A`) until the next reading, have no reading and are not running. Rows not running are left out as
 * a pause is (training/segments.ts): neither learnt nor scored, no window spans them.
 */
import { MISSING_READING } from './csv-cells.js';
import { namesText } from './csv-header.js';
import { nearestName } from './nearest-name.js';
import { isRunning, runningConditionText, type RunningCondition } from './running-condition.js';
import { settledStates, type ConditionState } from './restart-settle.js';
import { estimateSettle } from './settle-estimate.js';

/** The rows a condition says are running, one flag a row (1 running, 0 not), and how many are not. */
export interface RunningRows {
  readonly condition: RunningCondition;
  /** 1 where the row is learnt and scored: it runs (and has settled, with a settle time). */
  readonly running: Uint8Array;
  /** Rows not running (stopped, or no reading of the condition's column), of all the rows given. */
  readonly stoppedRows: number;
  /** Each row's state by the condition alone (restart-settle.ts): what a settle time is judged on. */
  readonly states: readonly ConditionState[];
  /** With a settle time (withSettle): 1 where a row runs but within it after a restart, and how many such rows. */
  readonly settling?: Uint8Array;
  readonly settlingRows?: number;
  /** The settle time (ms) and how it was found (given, estimated, or why none), in words. */
  readonly settle?: { readonly ms: number; readonly how: string };
}

/** The columns of a table as running rows read them: readings by name, text cells (textCellsOf) by name. */
export interface ConditionColumns {
  readonly header: readonly string[];
  readonly columns: ReadonlyMap<string, Float64Array>;
  readonly texts?: ReadonlyMap<string, readonly string[]>;
  readonly textColumns?: readonly { readonly name: string }[];
}

/** The column a condition's channel means: a near name, or a tag before its description (`XS-100` of `XS-100 Unit mode`
 * or, renamed, `XS-100_Unit_mode`). */
function meantColumn(channel: string, names: readonly string[]): string | undefined {
  const tagged = names.filter((n) => n.startsWith(`${channel} `) || n.startsWith(`${channel}_`));
  return nearestName(channel, names) ?? (tagged.length === 1 ? tagged[0] : undefined);
}

/**
 * Each row's running flag (the first `n` rows): refuses a condition whose channel is no column of `table`, naming
 * the file, the flag, the columns and the one meant where one is near.
 */
export function runningRowsOf(
  table: ConditionColumns,
  condition: RunningCondition,
  file: string,
  n: number,
  flag = '--running-when',
): RunningRows {
  const { channel } = condition;
  const cells = table.texts?.get(channel);
  const readings = cells ? undefined : table.columns.get(channel);
  if (!cells && !readings) {
    const names = [...table.header.slice(1), ...(table.textColumns ?? []).map((t) => t.name)];
    const meant = meantColumn(channel, names);
    throw new Error(
      `${file}: ${flag} ${runningConditionText(condition)}: no column "${channel}"` +
        `${meant ? ` (did you mean "${meant}"?)` : ''}; columns: ${namesText(names, names.length)}`,
    );
  }
  const running = new Uint8Array(n);
  const states: ConditionState[] = new Array<ConditionState>(n);
  let stoppedRows = 0;
  let reading: number | string | undefined;
  for (let i = 0; i < n; i++) {
    if (cells) {
      const cell = cells[i] ?? '';
      if (cell !== '') reading = MISSING_READING.test(cell) ? undefined : cell;
    } else if (!Number.isNaN(readings![i])) reading = readings![i];
    running[i] = isRunning(condition, reading) ? 1 : 0;
    states[i] = running[i] === 1 ? 'running' : reading === undefined ? 'unknown' : 'stopped';
    if (running[i] === 0) stoppedRows++;
  }
  return { condition, running, stoppedRows, states };
}

/**
 * The rows with a settle time after each restart (restart-settle.ts): those within `ms` of one are left out as the
 * stopped rows are, and counted apart (settlingRows). `how` says how the time was found. A settle time of 0 leaves
 * the rows as they are.
 */
export function withSettle(
  r: RunningRows,
  times: ArrayLike<number>,
  settle: { readonly ms: number; readonly how: string },
): RunningRows {
  const running = Uint8Array.from(r.running);
  const settling = new Uint8Array(running.length);
  let settlingRows = 0;
  settledStates(r.states, times, settle.ms).forEach((s, i) => {
    if (s !== 'settling') return;
    settling[i] = 1;
    running[i] = 0;
    settlingRows++;
  });
  return { ...r, running, settling, settlingRows, settle };
}

/** What a report says of the rows left out as stopped (and settling, with a settle time): '' where none. */
export function stoppedRowsText(
  r: Pick<RunningRows, 'condition' | 'stoppedRows' | 'settlingRows' | 'settle'>,
  n: number,
): string {
  const settling =
    r.settle && r.settle.ms > 0
      ? `${r.settlingRows ?? 0} of the ${n} rows settling after a restart (within ${r.settle.ms} ms of the condition turning true after a stop) left out too (--running-settle-ms)`
      : '';
  if (r.stoppedRows === 0) return settling;
  const stopped =
    `${r.stoppedRows} of the ${n} rows not running (not ${runningConditionText(r.condition)}, or no reading of ` +
    `${r.condition.channel}) left out: neither learnt nor scored, no window spans them (--running-when)`;
  return settling ? `${stopped}; ${settling}` : stopped;
}

/**
 * The rows with the settle time given (`givenMs`, --running-settle-ms), else one estimated from their own restarts
 * (settle-estimate.ts; `rows` row-major, `channels` wide, the channels a model reads).
 */
export function settledRows(
  r: RunningRows,
  rows: Float64Array,
  channels: number,
  times: ArrayLike<number>,
  periodMs: number,
  givenMs?: number,
): RunningRows {
  if (givenMs !== undefined)
    return withSettle(r, times, { ms: givenMs, how: `${givenMs} ms, given (--running-settle-ms)` });
  const estimate = estimateSettle(rows, channels, times, r.states, periodMs);
  return withSettle(r, times, { ms: estimate.settleMs ?? 0, how: estimate.text });
}
