/**
 * The `max_sample_age_ms` that `train --cycle-channel` suggests for the asset's window (pure), from the recording's own
 * parts: how long the gateway may hold a reading over a silence or a failed read and still cut and judge the part
 * across it. A hold as long as the trigger keeps one value bridges a silence that hides a whole part (its start and its
 * end) or joins two; so it is kept below the shortest stretch the trigger held one value among the parts learned from
 * (a part, or the idle between two with a flag), less one poll (the rows bound that stretch to a poll). A longer
 * silence is then a pause: the parts around it are unknown, and a part counter's skipped parts are recorded. Left
 * unsaid, the window's default (5 s) spans four parts of a press that makes one every 1.2 s (qiwalk-s39).
 */
import { MISSED_POLL_STEPS, type CycleTrigger } from '../windows/cycle/cycle-window.js';
import { DEFAULT_MAX_SAMPLE_AGE_MS } from '../windows/row-assembler.js';
import type { CsvParts } from './csv-parts.js';

export interface SampleAgeSuggestion {
  /** The hold to configure; absent where the window's default (5000 ms) holds: a longer one is no suggestion. */
  readonly ms?: number;
  /** Where it came from, for the user: the stretch, its parts, the poll. */
  readonly why: string;
}

/**
 * The suggested max_sample_age_ms for parts cut by `trigger` on `cycleChannel`, or undefined where the recording's
 * polls' spacing or its parts' times cannot tell it.
 */
export function suggestedMaxSampleAge(
  parts: Pick<CsvParts, 'partIds' | 'startTimes' | 'endTimes' | 'pollStepMs'>,
  cycleChannel: string,
  trigger: CycleTrigger,
): SampleAgeSuggestion | undefined {
  const poll = parts.pollStepMs;
  if (!(poll > 0 && Number.isFinite(poll))) return undefined;
  let shortest = Number.POSITIVE_INFINITY;
  let where = '';
  const consider = (ms: number, what: string) => {
    if (ms > 0 && ms < shortest) [shortest, where] = [ms, what];
  };
  parts.partIds.forEach((id, i) => {
    consider(parts.endTimes[i] - parts.startTimes[i], `part ${id}`);
    // With a flag, the idle between two parts too (a part left out between them only makes it longer).
    if (trigger === 'flag' && i > 0)
      consider(parts.startTimes[i] - parts.endTimes[i - 1], `between parts ${parts.partIds[i - 1]} and ${id}`);
  });
  if (!Number.isFinite(shortest)) return undefined;
  const round = (ms: number) => Number(ms.toPrecision(3));
  const stretch =
    `the shortest stretch ${cycleChannel} held one value among the parts learned from (${round(shortest)} ms, ${where}) ` +
    `less one poll (${round(poll)} ms)`;
  // A hold shorter than a missed poll would make every late poll a stale row: the part unknown for a late row.
  const floor = Math.ceil(MISSED_POLL_STEPS * poll);
  const ms = Math.max(Math.floor(shortest - poll), floor);
  const kept = `max_sample_age_ms left at the default (${DEFAULT_MAX_SAMPLE_AGE_MS} ms)`;
  // The default holds where the stretch is longer: a silence it bridges cannot hide a whole part or join two. A hold
  // above the default is no suggestion; nor is one the polls force above it (at least a missed poll), said as such.
  if (ms >= DEFAULT_MAX_SAMPLE_AGE_MS)
    return {
      why:
        Math.floor(shortest - poll) >= DEFAULT_MAX_SAMPLE_AGE_MS
          ? `${kept}: ${stretch} is no shorter than it, so no silence it bridges can hide a whole part or join two`
          : `${kept}: ${stretch} is under ${MISSED_POLL_STEPS} polls (${floor} ms): no hold both keeps a late poll ` +
            'and judges a silence that could hide a whole part unknown',
    };
  return {
    ms,
    why:
      `max_sample_age_ms: ${stretch}` +
      (ms === floor ? `, at least ${MISSED_POLL_STEPS} polls` : '') +
      ': a longer silence could hide a whole part or join two, so the gateway judges the parts around it unknown ' +
      `(the default, ${DEFAULT_MAX_SAMPLE_AGE_MS} ms, bridges it)`,
  };
}
