/**
 * `--sequence N` of `model sign` and `config sign`: decimal digits only, a whole number from 1 that a gateway can hold
 * (at most Number.MAX_SAFE_INTEGER). Read with Number(), `0x10` signed 16, `1e3` 1000, ` 12` 12, and `1e300` was
 * written into a release that every gateway refuses.
 */
import { UsageError } from './usage.js';

/**
 * The sequence `text` gives, or undefined where it is none; `above` says what it must be above, for the refusal, and
 * `max` the highest allowed (config sign: MAX_CONFIG_SEQUENCE, `ceiling` saying why).
 */
export function sequenceFlag(
  text: string | undefined,
  above: string,
  max = Number.MAX_SAFE_INTEGER,
  ceiling = '',
): number | undefined {
  if (text === undefined) return undefined;
  const sequence = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > max)
    throw new UsageError(
      `--sequence ${text}: expected a whole number from 1 to ${max}${ceiling} in decimal digits, above ${above}`,
    );
  return sequence;
}
