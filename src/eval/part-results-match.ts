/**
 * A table of part results matched with the recordings it labels (pure), recording by recording as eval reads them:
 * which table file names each recording, each part's result, and every way the table cannot say which part it means
 * refused: one file name for two recordings, an id made in two recordings where the table has no file column, an id
 * made twice in one recording (a counter that wrapped around). Counts what matched, so that results for parts no
 * recording made (an id written another way) are told apart.
 */
import { keyText, recordingOf, resultKey, resultOf, type PartResults } from './part-results.js';

/** Why a table cannot label the recordings: a usage error, the table named. */
export class PartResultsMismatch extends Error {}

export class PartResultsMatch {
  /** Table file → the recording it was taken to name. */
  private readonly claimed = new Map<string, string>();
  /** Without a file column: key → the recording a part with it was made in. */
  private readonly madeIn = new Map<string, string>();
  private readonly matched = new Set<string>();

  constructor(readonly results: PartResults) {}

  /**
   * The table's file name for a recording (`recording`: its path under --data, as messages name it; `path`: its full
   * path, matched), or undefined where the table has a file column and none names it (a recording the table does not
   * label); null where the table has no file column.
   */
  fileOf(recording: string, path: string): string | null | undefined {
    if (!this.results.files) return null;
    const file = recordingOf(this.results, path);
    if (file === undefined) return undefined;
    const other = this.claimed.get(file);
    if (other !== undefined && other !== recording)
      throw new PartResultsMismatch(
        `--part-labels ${this.results.table}: its file column's ${file} names both ${other} and ${recording}; ` +
          'write each recording as its path under --data (line1/rec.csv)',
      );
    this.claimed.set(file, recording);
    return file;
  }

  /**
   * Each part's result in one recording (true: bad, false: good, undefined: none), by the index of its id in
   * `partIds`; `leftOut` are the ids of the parts the cycle window could not judge, counted as matched too.
   */
  label(
    recording: string,
    file: string | null,
    partIds: readonly string[],
    rowSpans: readonly (readonly [number, number])[],
    leftOut: readonly string[],
  ): (i: number) => boolean | undefined {
    const key = (id: string) => resultKey(file ?? undefined, id);
    const firstAt = new Map<string, number>();
    partIds.forEach((id, i) => {
      const k = key(id);
      if (!this.results.bad.has(k)) return;
      const before = firstAt.get(k);
      if (before !== undefined)
        throw new PartResultsMismatch(
          `--part-labels ${this.results.table}: part ${id} was made twice in ${recording} (the parts from rows ` +
            `${rowSpans[before][0] + 1} and ${rowSpans[i][0] + 1}): its result cannot say which; where the counter ` +
            'wraps around, evaluate the recording in pieces',
        );
      firstAt.set(k, i);
      if (file === null) {
        const other = this.madeIn.get(k);
        if (other !== undefined && other !== recording)
          throw new PartResultsMismatch(
            `--part-labels ${this.results.table}: part ${id} was made in ${other} and in ${recording}; where part ids ` +
              'start again in each recording, add a file column to the table (the recording each part was made in), ' +
              'or evaluate one recording at a time',
          );
        this.madeIn.set(k, recording);
      }
      this.matched.add(k);
    });
    for (const id of leftOut) if (this.results.bad.has(key(id))) this.matched.add(key(id));
    return (i) => resultOf(this.results, file ?? undefined, partIds[i]);
  }

  /** Results for parts none of the recordings made (or left out): an id written another way shows here. */
  get withoutPart(): number {
    return this.results.bad.size - this.matched.size;
  }

  /** A few of the table's results no recording matched, as a person reads them. */
  unmatchedExamples(n = 3): string[] {
    return [...this.results.bad.keys()]
      .filter((k) => !this.matched.has(k))
      .slice(0, n)
      .map(keyText);
  }
}
