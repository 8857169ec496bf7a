/**
 * A cycle asset's part results, made from what the pipeline scored or could not (pure): the judged parts among a
 * batch's scores, and the unknown ones among windows that went unscored or incomplete, with why; each with its
 * window's held rows (Window.held) where some row held a channel's reading over a failed read.
 */
import { verdictOf, type PartVerdict } from '../core/verdict.js';
import type { HeldRows, PartResult, ScoreResult, Window } from '../core/types.js';

/** A part that cannot be judged: its id, when, why, and its cycle time where known. */
export interface UnjudgedPart {
  readonly partId: string;
  readonly ts: number;
  readonly reason: string;
  readonly cycleMs?: number;
  /** Its window's rows that held a channel's reading over a failed read, where some did. */
  readonly held?: HeldRows;
  /** A part the part counter skipped: made while its readings were lost (PartResult.missed). */
  readonly missed?: true;
}

/**
 * The judged parts among scored windows: one result per window, in order (the Model contract), so the i-th score is
 * the window whose cycle time is `cycleMs[i]`. Windows with no part id are not parts.
 */
export function judgedParts(
  asset: string,
  scored: readonly ScoreResult[],
  cycleMs: readonly (number | undefined)[],
): (PartResult & { readonly verdict: PartVerdict })[] {
  const parts: (PartResult & { readonly verdict: PartVerdict })[] = [];
  for (const [i, r] of scored.entries()) {
    if (r.partId === undefined) continue;
    const cycle = cycleMs[i];
    parts.push({
      asset,
      partId: r.partId,
      ts: r.ts,
      verdict: verdictOf(r) as PartVerdict,
      score: r.score,
      threshold: r.threshold,
      topChannels: r.contributions.slice(0, 3).map((c) => c.channel),
      ...(cycle !== undefined ? { cycleMs: cycle } : {}),
      model: r.model,
      ...(r.held !== undefined ? { held: r.held } : {}),
    });
  }
  return parts;
}

/** The parts among windows that go unscored (dropped, or the model failed), with the same reason for each. */
export function unscoredParts(
  entries: readonly { readonly window: Window; readonly cycleMs?: number }[],
  reason: string,
): UnjudgedPart[] {
  return entries.flatMap(({ window: w, cycleMs }) =>
    w.partId === undefined
      ? []
      : [
          {
            partId: w.partId,
            ts: w.end,
            reason,
            ...(cycleMs !== undefined ? { cycleMs } : {}),
            ...(w.held !== undefined ? { held: w.held } : {}),
          },
        ],
  );
}

/** Parts that cannot be judged, as results: verdict unknown, no channels, the model that would have judged them. */
export function unknownParts(asset: string, model: string, parts: readonly UnjudgedPart[]): PartResult[] {
  return parts.map((p) => ({ asset, ...p, verdict: 'unknown', topChannels: [], model }));
}
