/**
 * `--sequence N` of `model sign` and `config sign`: decimal digits only, a whole number from 1 to the ceiling 2^52
 * (core/sequence-ceiling.ts; model sign took up to 2^53 - 1 before 2026-12-07, which left no higher release). Read
 * with Number(), `0x10` signed 16, `1e3` 1000, ` 12` 12, and `1e300` was written into a release that every gateway
 * refuses.
 */
import { MAX_SIGNED_SEQUENCE, SEQUENCE_CEILING_WHY } from '../core/sequence-ceiling.js';
import { UsageError } from './usage.js';

/**
 * The sequence `text` gives, or undefined where it is none; `above` says what it must be above, for the refusal. At
 * most MAX_SIGNED_SEQUENCE, for configurations and releases alike (core/sequence-ceiling.ts).
 */
export function sequenceFlag(text: string | undefined, above: string): number | undefined {
  if (text === undefined) return undefined;
  const sequence = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > MAX_SIGNED_SEQUENCE)
    throw new UsageError(
      `--sequence ${text}: expected a whole number from 1 to ${MAX_SIGNED_SEQUENCE} (${SEQUENCE_CEILING_WHY}) in decimal digits, above ${above}`,
    );
  return sequence;
}
