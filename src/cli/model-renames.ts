/**
 * The --rename flags a model was made with, read back from its manifest: `training.command` (train records its command
 * line there) and `quantization.command` (so does quantize: a model trained on a file with the channels' own names
 * may be quantized on a recording that needs a rename, and re-quantized on it later), so that a command that reads a
 * CSV as the model reads it (eval --model, quantize) can say which flag to add where the file lacks one of the model's
 * channels but has the column it was read from. Applied unasked only where a file lacks model channels and the
 * model's own trained renames read every one of them from its columns (modelOwnRenames: the columns are the ones the
 * model was trained on, by name), said on stderr; else told, as a flag to add. Pure.
 */
import type { ColumnRenames } from '../core/csv-table.js';
import { shellWord, shellWords } from '../core/shell-word.js';
import { renameFlag, renameHint } from './rename-flag.js';
import { UsageError } from './usage.js';

/** The longest `training.command` read back (a command line is far shorter; a manifest is a file, and files lie). */
const MAX_COMMAND_CHARS = 64 * 1024;

/** The most renames `training.renames` is read for (a model has far fewer channels; a manifest is a file). */
const MAX_RECORDED_RENAMES = 10_000;

/**
 * The renames a manifest records: `training.renames` (CSV column → channel, written by train since 2026-12-07, for
 * --rename auto too) and the `--rename OLD=NEW` and `--rename=OLD=NEW` in `training.command`, each value one train
 * would take (renameFlag: those it would refuse are passed over, as is a command that does not split as a shell
 * splits it); empty where it records none.
 */
export function recordedRenames(training: Readonly<Record<string, unknown>>): ColumnRenames {
  const command = training.command;
  const renames = new Map<string, string>();
  const add = (value: string) => {
    try {
      for (const [from, to] of renameFlag([value]) ?? [])
        if (!renames.has(from) && ![...renames.values()].includes(to)) renames.set(from, to);
    } catch {
      // A value train would refuse: no flag to suggest.
    }
  };
  const written = training.renames;
  if (written !== null && typeof written === 'object' && !Array.isArray(written)) {
    const pairs = Object.entries(written as Record<string, unknown>).slice(0, MAX_RECORDED_RENAMES);
    for (const [from, to] of pairs) if (typeof to === 'string' && !from.includes('=')) add(`${from}=${to}`);
  }
  if (typeof command !== 'string' || command.length > MAX_COMMAND_CHARS) return renames;
  const words = shellWords(command) ?? [];
  for (let i = 0; i < words.length; i++) {
    const value = words[i] === '--rename' ? words[++i] : /^--rename=(.*)$/s.exec(words[i])?.[1];
    if (value !== undefined) add(value);
  }
  return renames;
}

/** The renames a manifest records: train's, and quantize's that name neither a column nor a channel train's do. */
export interface ManifestRenames {
  readonly trained: ColumnRenames;
  readonly quantized: ColumnRenames;
}

/** The renames `training.command` and `quantization.command` record (recordedRenames), each column and name once. */
export function manifestRenames(m: {
  readonly training: Readonly<Record<string, unknown>>;
  readonly quantization?: Readonly<Record<string, unknown>>;
}): ManifestRenames {
  const trained = recordedRenames(m.training);
  const taken = new Set(trained.values());
  const quantized = new Map(
    [...recordedRenames(m.quantization ?? {})].filter(([from, to]) => !trained.has(from) && !taken.has(to)),
  );
  return { trained, quantized };
}

/**
 * Where a file lacks model channels (`missing`) that a rename the model was made with (`recorded`) reads from a
 * column the file has (`columns`, its header's names as written, before any --rename): ` (the model was trained with
 * --rename 'A=B': add it)` (`quantized with` for a rename quantize recorded), with the flag given for that column
 * (`given`) it would replace; '' where no recorded rename names a missing channel and a column of the file. Each flag
 * is one shell word (shellWord), to paste as it reads.
 */
export function recordedRenameHint(
  missing: readonly string[],
  columns: readonly string[],
  recorded: ManifestRenames,
  given?: ColumnRenames,
): string {
  const flag = (from: string, to: string) => `--rename ${shellWord(`${from}=${to}`)}`;
  const made: string[] = [];
  let added = 0;
  const replaced: string[] = [];
  for (const [how, renames] of [
    ['trained', recorded.trained],
    ['quantized', recorded.quantized],
  ] as const) {
    const add: string[] = [];
    for (const [from, to] of renames) {
      if (!missing.includes(to) || !columns.includes(from)) continue;
      add.push(flag(from, to));
      const instead = given?.get(from);
      if (instead !== undefined) replaced.push(flag(from, instead));
    }
    if (add.length > 0) made.push(`${how} with ${add.join(' ')}`);
    added += add.length;
  }
  if (added === 0) return '';
  const them = added === 1 ? 'it' : 'them';
  return ` (the model was ${made.join(' and ')}: add ${them}${replaced.length > 0 ? ` in place of ${replaced.join(' ')}` : ''})`;
}

/**
 * What to add where a file lacks `missing` of a model's channels (eval --model, quantize): the renames the model was
 * trained or quantized with that read them from the file's columns (recordedRenameHint), else a guess at the one
 * column the model does not read (renameHint); '' where neither applies.
 */
export function missingChannelsHint(o: {
  readonly missing: readonly string[];
  /** The file's header names as written, before --rename. */
  readonly written: readonly string[];
  /** The file's channels as read (--rename applied, no label column). */
  readonly channels: readonly string[];
  readonly modelChannels: readonly string[];
  /** The model manifest's training record (its command). */
  readonly training: Readonly<Record<string, unknown>>;
  /** Its quantization record (its command), where quantize made it. */
  readonly quantization?: Readonly<Record<string, unknown>>;
  readonly rename?: ColumnRenames;
  /** The file's columns of text, by name as read. */
  readonly textColumns?: readonly string[];
}): string {
  return (
    recordedRenameHint(o.missing, o.written, manifestRenames(o), o.rename) ||
    renameHint(o.missing, o.channels, o.modelChannels, o.rename, o.textColumns)
  );
}

/**
 * The renames a model was trained with that read a file as the model reads it, where the file (`columns`, its header's
 * names as written; `where` names it) lacks some of the model's channels and those renames read every one of them
 * from its columns: the model's own mapping, recorded when it was trained, not a guess. Undefined where the file has
 * every channel already, or where the recorded renames do not read all the missing ones (the caller's error then says
 * what is missing). Refused where a recorded rename would read a column as a channel another column of the file is
 * named already (two columns for one channel: which one holds it is the user's to say, with --rename).
 */
export function modelOwnRenames(
  columns: readonly string[],
  modelChannels: readonly string[],
  training: Readonly<Record<string, unknown>>,
  where: string,
): ColumnRenames | undefined {
  if (modelChannels.every((c) => columns.includes(c))) return undefined;
  const own = new Map([...recordedRenames(training)].filter(([from]) => columns.includes(from)));
  const read = columns.map((c) => own.get(c) ?? c);
  if (own.size === 0 || modelChannels.some((c) => !read.includes(c))) return undefined;
  for (const [from, to] of own)
    if (columns.includes(to))
      throw new UsageError(
        `${where}: the model was trained reading column "${from}" as channel ${to}, and the file has a column ` +
          `"${to}" too; say which holds ${to}: --rename ${shellWord(`${from}=${to}`)} or --rename ` +
          `${shellWord(`${from}=other_name`)}`,
      );
  return own;
}

/** Renames for a line of text: the first three, `"COLUMN" as NAME`, and how many more. */
export function renamesShown(renames: ColumnRenames): string {
  const shown = [...renames].slice(0, 3).map(([from, to]) => `"${from}" as ${to}`);
  const more = renames.size > shown.length ? `, and ${renames.size - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** The one stderr line that says a file is read with the model's own renames (modelOwnRenames). */
export function ownRenamesText(where: string, renames: ColumnRenames): string {
  return (
    `${where}: columns read as the model was trained to read them (${renames.size} rename(s) its manifest ` +
    `records): ${renamesShown(renames)}`
  );
}
