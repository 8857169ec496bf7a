/**
 * What `linewatch export` says to do next with the CSV it wrote: `train` on normal operation, with the flags that cut
 * the asset's parts as its window does (only those whose columns it wrote), or, where the gateway raised an alarm or
 * failed a part in the exported stretch, `eval` of the asset's model on it: such rows are no normal operation to
 * train on. Pure.
 */
import { shellWord } from '../core/shell-word.js';
import type { JudgedAbnormal } from '../sinks/local/store-reader.js';

/** How the configured asset's cycle window cuts parts. */
export interface AssetCut {
  readonly triggerChannel: string;
  readonly counter: boolean;
  readonly partIdChannel?: string;
}

export interface ExportedFacts {
  /** --out as given. */
  readonly out: string;
  readonly asset: string;
  /** The columns written after the time. */
  readonly written: readonly string[];
  /** The configured asset's model folder and cut (its cycle window's); absent with --db (no configuration). */
  readonly configured?: { readonly modelDir: string; readonly cut?: AssetCut };
  readonly judged?: JudgedAbnormal;
  /** The poll interval of a recorded asset's sources (recordedPollMs), for train's --period-ms. */
  readonly pollMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The line(s) that end export's report, each starting a new line indented by two spaces. */
export function exportNextStep(f: ExportedFacts): string {
  const csv = shellWord(f.out);
  const judged = f.judged;
  if (judged && judged.first !== undefined) {
    const what = [
      judged.alarmsRaised > 0 ? `raised ${judged.alarmsRaised} alarm(s)` : '',
      judged.partsFailed > 0 ? `failed ${judged.partsFailed} part(s)` : '',
    ]
      .filter((w) => w !== '')
      .join(' and ');
    const model = f.configured ? shellWord(f.configured.modelDir) : 'MODEL_DIR';
    return (
      `\n  the gateway ${what} on ${f.asset} in these rows (the first at ${iso(judged.first)}): not the normal ` +
      'operation train learns from (export a stretch without them for that)' +
      `\n  next: ${evalStep(f, `linewatch eval --model ${model} --data ${csv}`)}\n`
    );
  }
  if (!f.configured) {
    // The sources' poll interval, not the rows' median spacing (the poll's timer is late by a few ms on a loaded
    // gateway): a model whose period is not the poll interval is refused by the gateway that recorded it.
    const period = f.pollMs !== undefined ? ` --period-ms ${f.pollMs}` : '';
    return `\n  next: linewatch train --csv ${csv}${period} --out MODEL_DIR  (a part model: --cycle-channel NAME)\n`;
  }
  const cut = f.configured.cut;
  if (cut && !f.written.includes(cut.triggerChannel))
    return (
      `\n  next: linewatch train --csv ${csv} --out MODEL_DIR  (${f.asset} cuts parts by ${cut.triggerChannel}, ` +
      'which --channels left out: name it there for a part model)\n'
    );
  return `\n  next: linewatch train --csv ${csv}${cut ? cutFlags(cut, f.written) : ''} --out MODEL_DIR\n`;
}

/** The flags that cut the asset's parts as its window does, the part id only where the CSV holds it. */
function cutFlags(cut: AssetCut, written: readonly string[]): string {
  return (
    ` --cycle-channel ${shellWord(cut.triggerChannel)}${cut.counter ? ' --cycle-trigger counter' : ''}` +
    (cut.partIdChannel !== undefined && written.includes(cut.partIdChannel)
      ? ` --part-id-channel ${shellWord(cut.partIdChannel)}`
      : '')
  );
}

/**
 * The eval step, or what to do first: how eval is to label the exported rows, with its note. A sliding-window
 * model's by the fault's start and end (--anomaly); a part model's by the quality system's result of each part
 * (--part-labels, matched by the part id column), with the cut flags, since a model folder need not record its cut
 * (the press-ae shipped before 2026-12-07 records none). eval refuses --anomaly for a part model.
 */
function evalStep(f: ExportedFacts, evalCommand: string): string {
  const cut = f.configured?.cut;
  if (!cut)
    return `${evalCommand} --anomaly FROM/TO  (the fault's start and end, as the log or the operator noted them)`;
  if (!f.written.includes(cut.triggerChannel))
    return (
      `export again with ${cut.triggerChannel} in --channels, then eval: ${f.asset}'s model is measured on the ` +
      `parts ${cut.triggerChannel} cuts`
    );
  const flags = cutFlags(cut, f.written);
  if (cut.partIdChannel !== undefined && f.written.includes(cut.partIdChannel))
    return (
      `${evalCommand} --part-labels RESULTS.csv${flags}  (RESULTS.csv: the quality system's OK/NOK of each part ` +
      `by its ${cut.partIdChannel})`
    );
  return (
    `${evalCommand}${flags}  (a part model is measured on parts: add an "anomaly" column, 1 on the rows of the ` +
    'bad parts; a table of part results needs the part id column' +
    `${cut.partIdChannel !== undefined ? ` ${cut.partIdChannel}, which --channels left out` : ''})`
  );
}
