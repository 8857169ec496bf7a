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
    return (
      `\n  the gateway ${what} on ${f.asset} in these rows (the first at ${iso(judged.first)}): not the normal ` +
      'operation train learns from (export a stretch without them for that)' +
      `\n  next: linewatch eval --model ${f.configured ? shellWord(f.configured.modelDir) : 'MODEL_DIR'} --data ${csv} ` +
      '--anomaly FROM/TO  ' +
      "(the fault's start and end, as the log or the operator noted them)\n"
    );
  }
  if (!f.configured)
    return `\n  next: linewatch train --csv ${csv} --out MODEL_DIR  (a part model: --cycle-channel NAME)\n`;
  const cut = f.configured.cut;
  if (cut && !f.written.includes(cut.triggerChannel))
    return (
      `\n  next: linewatch train --csv ${csv} --out MODEL_DIR  (${f.asset} cuts parts by ${cut.triggerChannel}, ` +
      'which --channels left out: name it there for a part model)\n'
    );
  const flags = cut
    ? ` --cycle-channel ${shellWord(cut.triggerChannel)}${cut.counter ? ' --cycle-trigger counter' : ''}` +
      (cut.partIdChannel !== undefined && f.written.includes(cut.partIdChannel)
        ? ` --part-id-channel ${shellWord(cut.partIdChannel)}`
        : '')
    : '';
  return `\n  next: linewatch train --csv ${csv}${flags} --out MODEL_DIR\n`;
}
