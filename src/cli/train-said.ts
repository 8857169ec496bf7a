/**
 * What `train` says while it fits, kept for the --report page: each line the fit logs goes to stderr, as it always
 * did, and every one but the epoch-by-epoch progress (epochReporter's lines, written where no progress bar is) is kept,
 * so that the page repeats what the console said of the data and the fit (slow channels, a fit still improving when
 * its epochs ran out, the budget the held-out parts support, ...). Before 2026-12-07 the page left them out.
 */

/** epochReporter's line (fit-epochs.ts): `epoch  12/50  train 0.0123  validation 0.0140`, or `fine-tune …`. */
const EPOCH_LINE = /^\S+ +\d+\/\d+ {2}train \S+ {2}validation \S+$/;

/** A fit's log that writes to stderr and keeps the lines for the page (`kept`, in the order said). */
export function keptLog(write: (text: string) => void = (t) => process.stderr.write(t)): {
  readonly log: (line: string) => void;
  readonly kept: readonly string[];
} {
  const kept: string[] = [];
  return {
    log: (line) => {
      write(`${line}\n`);
      if (!EPOCH_LINE.test(line)) kept.push(line);
    },
    kept,
  };
}
