/**
 * Progress bars for the long commands (train, eval) on a terminal: one line redrawn in place.
 * Off a terminal (CI, logs, pipes) the commands print plain lines instead.
 */

/** `[########----------------]` for `done` of `total`. */
export function renderBar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export interface Progress {
  update(phase: string, done: number, total: number, detail?: string): void;
  /** Ends the bar's line (a phase may stop early, e.g. at early stopping). */
  end(): void;
}

/** A bar on `stream` if it is a terminal, else undefined (the caller prints lines). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY) return undefined;
  let open = false;
  return {
    update(phase, done, total, detail = '') {
      const text = `${phase} ${renderBar(done, total)} ${done}/${total}${detail ? `  ${detail}` : ''}`;
      stream.write(`\r\x1b[2K${text.slice(0, Math.max(20, (stream.columns ?? 120) - 1))}`);
      open = true;
    },
    end() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
