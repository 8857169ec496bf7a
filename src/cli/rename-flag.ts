/**
 * `--rename OLD=NEW` (train, eval and quantize, once per column): a CSV column read under another name, so that a
 * recording whose column a gateway configuration cannot name (SKAB's `Volume Flow RateRMS`) trains a model a gateway
 * can run, without editing the file, and the same recording is read again as the model reads it (eval --model,
 * quantize).
 * NEW follows the configuration's rule for channel names (nameSchema, the one rule).
 */
import { nameSchema } from '../core/config-primitives.js';
import { csvDataColumns, isLabelColumn, type ColumnRenames } from '../core/csv-table.js';
import { nearestName } from '../core/nearest-name.js';
import { shellWord } from '../core/shell-word.js';
import { UsageError } from './usage.js';

/** `--rename auto` where no model is fitted on the columns it names (eval --model, quantize, a part model). */
export const renameAutoRefused = (): UsageError =>
  new UsageError(
    '--rename auto: for train --csv and eval --arch without --cycle-channel, which name the columns a model is ' +
      'made from; eval --model and quantize read a file with those columns as the model records (training.renames)',
  );

/** Commander's collector for a repeatable option: each value after the earlier ones. */
export const collect = (value: string, earlier: string[] | undefined): string[] => [...(earlier ?? []), value];

/**
 * The --rename values as old name → new name, checked on their own: OLD=NEW (split at the last `=`: a channel name has
 * none), NEW a channel name a configuration takes and no label column, each OLD and each NEW once. OLD is compared as
 * a CSV's header names are read, without the spaces around it (csv-table.ts); NEW is taken as written, so a space
 * around it is refused, as a configuration refuses such a channel name, with the flag that reads as meant.
 */
export function renameFlag(values: readonly string[] | undefined, labelName?: string): ColumnRenames | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const renames = new Map<string, string>();
  for (const value of values) {
    const at = value.lastIndexOf('=');
    const from = value.slice(0, at).trim();
    const to = value.slice(at + 1);
    const flag = `--rename ${JSON.stringify(value)}`;
    if (value === 'auto') throw renameAutoRefused();
    if (at < 0 || from === '' || to.trim() === '')
      throw new UsageError(`${flag}: expected OLD=NEW, a column's name in the CSV and the name to read it under`);
    if (to !== to.trim())
      throw new UsageError(
        `${flag}: "${to}" has a space before or after it, and a gateway configuration takes no channel name with ` +
          `a space; --rename ${shellWord(`${from}=${to.trim()}`)} reads the column as "${to.trim()}"`,
      );
    const name = nameSchema.safeParse(to);
    if (!name.success)
      throw new UsageError(
        `${flag}: "${to}" is no channel name a gateway configuration takes: ${name.error.issues[0].message}`,
      );
    if (isLabelColumn(to, labelName) || isLabelColumn(from, labelName))
      throw new UsageError(`${flag}: renames a channel's column, not a label column or to a label column's name`);
    if (renames.has(from)) throw new UsageError(`${flag}: column "${from}" is renamed twice`);
    if ([...renames.values()].includes(to)) throw new UsageError(`${flag}: two columns renamed to "${to}"`);
    renames.set(from, to);
  }
  return renames;
}

/**
 * Refuses a rename of a column that `columns` (the CSV's, as written: `where` says whose) lacks (named with the column
 * it likely misspells), and one to the name of a column that keeps its own.
 */
export function refuseRenamesOf(renames: ColumnRenames | undefined, columns: readonly string[], where: string): void {
  for (const [from, to] of renames ?? []) {
    const flag = `--rename ${JSON.stringify(`${from}=${to}`)}`;
    if (!columns.includes(from)) {
      const meant = nearestName(from, columns);
      throw new UsageError(
        `${flag}: ${where} has no column "${from}" (columns: ${columns.join(', ')})${meant ? `; did you mean "${meant}"?` : ''}`,
      );
    }
    if (columns.includes(to) && !renames!.has(to))
      throw new UsageError(`${flag}: ${where} has a column "${to}" already; rename to another name`);
  }
}

/** --rename (train, quantize), checked on its own and against the columns of the CSV --csv names. */
export function csvRenames(opts: {
  readonly rename?: readonly string[];
  readonly csv?: string;
}): ColumnRenames | undefined {
  const renames = renameFlag(opts.rename);
  refuseRenamesOf(renames, csvDataColumns(opts.csv!), `--csv ${opts.csv}`);
  return renames;
}

/**
 * What to add where a model lacks channels a file has under other names: with one channel missing and one column the
 * model does not read, the --rename that reads it under the model's name (a guess the user checks, so only then);
 * otherwise the flag's form. `columns` are the file's channels as read (renamed: `renames` maps them back to the CSV's
 * names, which the flag takes); a missing channel the file has as a column of text (`textColumns`) is no name to rename
 * a column to (refuseRenamesOf), so no guess names it. The flag is written as one shell word (shellWord), so that it
 * pastes into a shell as it reads, whatever the column's name holds (a space, `"`, `$`, a backtick, `'`).
 */
export function renameHint(
  missing: readonly string[],
  columns: readonly string[],
  modelChannels: readonly string[],
  renames?: ColumnRenames,
  textColumns: readonly string[] = [],
) {
  const unread = columns.filter((c) => !modelChannels.includes(c));
  const absent = missing.filter((m) => !textColumns.includes(m));
  if (absent.length === 1 && unread.length === 1) {
    const read = unread[0];
    const column = [...(renames ?? [])].find(([, to]) => to === read)?.[0] ?? read;
    const flag = (to: string) => `--rename ${shellWord(`${column}=${to}`)}`;
    const instead = column === read ? '' : ` in place of ${flag(read)}`;
    return ` (if column ${JSON.stringify(column)} holds ${absent[0]}: ${flag(absent[0])}${instead})`;
  }
  return absent.length > 0 && unread.length > 0
    ? ' (a column holding one under another name: --rename COLUMN=CHANNEL)'
    : '';
}
