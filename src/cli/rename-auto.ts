/**
 * `--rename auto` (train --csv): every column a gateway configuration cannot name (`FIC-101 A feed [kscmh]`, a
 * historian's tag with its description and unit) read under a name it takes, made from its own (fixedName: the same
 * name train's refusal suggests; letters, digits, "_", "." and "-" kept, any other run of characters one "_"), so that
 * a recording of forty such columns needs one flag, not forty. Deterministic: the same header gives the same names,
 * in the header's order, a name another column has already taken getting "_2", "_3", ... The names are said on stderr
 * and recorded in the model's manifest (training.renames), which eval --model and quantize apply to a file with these
 * columns (modelOwnRenames), and a gateway configuration's channels take them as they are. Pure.
 */
import { nameSchema } from '../core/config-primitives.js';
import { printable } from '../core/printable.js';
import { csvDataColumns, isNotChannel, type ColumnRenames } from '../core/csv-table.js';
import { renamesShown } from './model-renames.js';
import { csvRenames } from './rename-flag.js';
import { fixedName } from './training-notes.js';

/** The --rename value that asks for these names. */
export const RENAME_AUTO = 'auto';

/**
 * A name a configuration takes for each of `columns` (a CSV's data columns as written) that has none and is no label
 * or time column (`labelName`: eval's --label-column), and that `given` (the explicit --rename flags) does not rename:
 * column → name, in the header's order, each name unlike every column that keeps its own and every name given or made
 * before it.
 */
export function autoRenames(
  columns: readonly string[],
  given: ColumnRenames = new Map(),
  labelName?: string,
): ColumnRenames {
  const renamed = (c: string) => given.has(c) || (!nameSchema.safeParse(c).success && !isNotChannel(c, labelName));
  const taken = new Set([...columns.filter((c) => !renamed(c)), ...given.values()]);
  const made = new Map<string, string>();
  // The suffix each base name was last given: the ones below it are taken for good (regression: a header of 16,000
  // columns that all make the same name took 12 s, each trying every suffix before it again).
  const lastSuffix = new Map<string, number>();
  for (const [i, column] of columns.entries()) {
    if (given.has(column) || !renamed(column)) continue;
    const base = fixedName(column) ?? `column_${i + 1}`;
    let name = base;
    let n = lastSuffix.get(base) ?? 1;
    while (taken.has(name)) name = `${base}_${++n}`;
    lastSuffix.set(base, n);
    taken.add(name);
    made.set(column, name);
  }
  return made;
}

/** The --rename values apart: whether `--rename auto` is among them, and the OLD=NEW ones (renameFlag's to check). */
export function renameAutoAsked(values: readonly string[] | undefined): {
  readonly auto: boolean;
  readonly given?: readonly string[];
} {
  const given = values?.filter((r) => r !== RENAME_AUTO);
  return { auto: values?.includes(RENAME_AUTO) ?? false, ...(given ? { given } : {}) };
}

/**
 * The renames a file with `columns` (its data columns as written, read only for --rename auto) is read with: the
 * --rename flags given (`given`), and with --rename auto the names autoRenames makes for its other columns (`made`, to
 * say them). train --csv and eval --data --arch (each file as train reads it) both take them from here.
 */
export function fileRenames(
  columns: () => readonly string[],
  given: ColumnRenames | undefined,
  auto: boolean,
  labelName?: string,
): { readonly renames?: ColumnRenames; readonly made?: ColumnRenames } {
  if (!auto) return given ? { renames: given } : {};
  const made = autoRenames(columns(), given, labelName);
  return { renames: new Map([...(given ?? []), ...made]), made };
}

/**
 * train --csv's --rename flags: csvRenames' (checked against the columns of --csv), and with `--rename auto` among them
 * the names autoRenames makes for the other columns (`made`, for train to say them).
 */
export function trainRenames(opts: { readonly rename?: readonly string[]; readonly csv?: string }): {
  readonly renames?: ColumnRenames;
  readonly made?: ColumnRenames;
} {
  const { auto, given } = renameAutoAsked(opts.rename);
  return fileRenames(() => csvDataColumns(opts.csv!), csvRenames({ ...opts, rename: given }), auto);
}

/** What train says of the names --rename auto gave (`made`), one line each after the first: to copy into a config. */
export function autoRenamesText(csv: string, made: ColumnRenames): string[] {
  if (made.size === 0) return [`--csv ${csv}: --rename auto: every column has a name a gateway configuration takes`];
  return [
    `--csv ${csv}: --rename auto read ${made.size} column(s) under names a gateway configuration takes (the model's ` +
      'manifest records them as training.renames; eval --model and quantize read a file with these columns the same ' +
      'way; name the channels so in the gateway configuration):',
    ...renamedLines(made),
  ];
}

/** Each rename on a line of its own, to copy into a configuration: `  "FIC-101 A [kscmh]" -> FIC-101_A_kscmh`. */
export function renamedLines(made: ColumnRenames): string[] {
  return [...made].map(([from, to]) => `  ${printable(JSON.stringify(from))} -> ${to}`);
}

/**
 * What eval --arch says on stderr, once for each set, of the names --rename auto gave a file's columns (`where` names
 * the files): the first three, as the model eval fits on them reads them.
 */
export function evalAutoRenamesText(where: string, made: ColumnRenames): string {
  return `${where}: --rename auto read ${made.size} column(s) under names a gateway configuration takes: ${renamesShown(made)}`;
}
