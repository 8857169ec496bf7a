/**
 * A part model's budget of false rejects (pure): the share of good parts the user asks to be rejected, the share the
 * held-out parts can support, which one the threshold is calibrated for, and how many more parts the asked one needs.
 *
 * The threshold is a level of the GPD tail fitted on the top k of the n held-out parts' scores (alarm-calibration.ts,
 * k = max(10, ⌈√n⌉)). Those k parts show the tail from the share k/n of parts above its start u to the share 1/n above
 * the largest score: a factor k of shares where the fitted tail meets data. Beyond 1/n nothing checks it, and the
 * shape's uncertainty (its standard error about 1/√k) enters the level's logarithm in proportion to the distance
 * ln(k/n ÷ p) from u to the asked share p. The strictest share the parts support is taken as 1/(n·k): as far beyond
 * the largest score, in log share, as the tail's own data reach below it, where the shape's part of the level's
 * uncertainty is twice what it is at the largest held-out part. Farther out, the posterior-predictive level grows
 * with the weight its prior gives heavy shapes (up to 0.5) rather than with anything the parts showed: on 68 held-out
 * parts at 14 ppm (1 a day at 72,000 parts a day) the threshold was 8–10× the largest held-out score and moved by
 * a factor 1.8 with the training seed (detection-history.md, 2026-12-07). Nothing here is fitted to a data set: k is
 * the calibration's own rule.
 */
import type { CalibrationTarget } from './calibration-target.js';
import { MIN_EXCEEDANCES, tailSize } from './alarm-calibration.js';

export interface PartBudget {
  /** The budget asked, as the user gave it, and as ppm of good parts rejected (NaN where the rate is unknown). */
  readonly asked: CalibrationTarget;
  readonly askedPpm: number;
  /** The strictest budget the held-out parts support: 1/(n·k) of parts, in ppm. */
  readonly supportedPpm: number;
  /** What the threshold is calibrated for: the asked budget, or the supported one where the asked lies beyond it. */
  readonly used: CalibrationTarget;
  readonly usedPpm: number;
  readonly usedAsked: boolean;
  readonly heldOut: number;
  /** The held-out parts, and the parts to learn from in all, that would support the asked budget. */
  readonly heldOutNeeded: number;
  readonly partsNeeded: number;
  /** How many more parts than those learned from now: partsNeeded − learned, 0 where the asked is supported. */
  readonly moreParts: number;
}

/** The strictest share of parts n held-out parts support (see above). */
export function supportedShare(n: number): number {
  return 1 / (n * tailSize(n));
}

/** The fewest held-out parts that support `share`. */
export function heldOutFor(share: number): number {
  // n·k grows with n; k ≤ max(MIN_EXCEEDANCES, 2√n), so the fewest n is at least the smaller of these.
  let n = Math.max(1, Math.floor(Math.min(1 / (MIN_EXCEEDANCES * share), Math.cbrt(1 / (2 * share)) ** 2)));
  while (supportedShare(n) > share) n++;
  return n;
}

/** The parts to learn from in all for `heldOut` of them held out at `validationFraction` (fit-parts' split). */
export function partsForHeldOut(heldOut: number, validationFraction: number): number {
  let parts = Math.ceil(heldOut / validationFraction);
  while (Math.floor(parts * validationFraction) < heldOut) parts++;
  return parts;
}

/** x rounded up to 3 significant digits: a ppm the manifest shows, never stricter than the share it stands for. */
function upTo3(x: number): number {
  const scale = 10 ** (Math.floor(Math.log10(x)) - 2);
  return Number((Math.ceil(x / scale - 1e-9) * scale).toPrecision(3));
}

/** The asked budget as ppm of parts: a quantile's share above it, or false rejects a day over parts a day. */
export function askedPpmOf(asked: CalibrationTarget, partsPerDay: number): number {
  if (asked.falseRejectsPpm !== undefined) return asked.falseRejectsPpm;
  if (asked.quantile !== undefined) return (1 - asked.quantile) * 1e6;
  return (asked.falseAlarmsPerDay! / partsPerDay) * 1e6;
}

export function partBudget(o: {
  readonly asked: CalibrationTarget;
  readonly partsPerDay: number;
  readonly heldOut: number;
  /** The parts learned from (training and held out together). */
  readonly learned: number;
  readonly validationFraction: number;
}): PartBudget {
  const askedPpm = askedPpmOf(o.asked, o.partsPerDay);
  const share = supportedShare(o.heldOut);
  const supportedPpm = upTo3(share * 1e6);
  // A per-day budget at an unknown rate is left to the calibration, which refuses it naming the rate.
  const usedAsked = !(askedPpm < supportedPpm);
  const heldOutNeeded = Number.isFinite(askedPpm) ? heldOutFor(askedPpm / 1e6) : o.heldOut;
  const partsNeeded = partsForHeldOut(heldOutNeeded, o.validationFraction);
  return {
    asked: o.asked,
    askedPpm,
    supportedPpm,
    used: usedAsked ? o.asked : { falseRejectsPpm: supportedPpm },
    usedPpm: usedAsked ? askedPpm : supportedPpm,
    usedAsked,
    heldOut: o.heldOut,
    heldOutNeeded,
    partsNeeded,
    moreParts: usedAsked ? 0 : Math.max(0, partsNeeded - o.learned),
  };
}

const ppm = (x: number) => `${Number(x.toPrecision(3))} ppm`;
const count = (x: number) => Math.round(x).toLocaleString('en-US');

/** How long a line at `partsPerDay` takes to make `parts`, for "about 2.3 h". */
function duration(parts: number, partsPerDay: number): string {
  const hours = (parts / partsPerDay) * 24;
  if (!Number.isFinite(hours)) return '';
  return hours < 1 ? `about ${Math.ceil(hours * 60)} min` : `about ${Number(hours.toPrecision(2))} h`;
}

/** What train says of the budget: asked, supported, used, and the parts to record for the asked one. */
export function partBudgetText(b: PartBudget, askedText: string, partsPerDay: number): string {
  // A budget asked in ppm needs no second wording.
  const as = b.asked.falseRejectsPpm !== undefined ? '' : ` (${askedText})`;
  const a = `budget asked: ${ppm(b.askedPpm)} of good parts rejected${as}`;
  const s = `the ${b.heldOut} held-out parts support ${ppm(b.supportedPpm)} at the strictest (1/(${b.heldOut}·${tailSize(b.heldOut)}) of parts)`;
  if (b.usedAsked) return `${a}; ${s}; used: the asked budget`;
  const perDay = Number.isFinite(partsPerDay)
    ? `, ${Number(((b.usedPpm * partsPerDay) / 1e6).toPrecision(3))} a day at ${count(partsPerDay)} parts a day`
    : '';
  const time = duration(b.moreParts, partsPerDay);
  return (
    `${a}; ${s}: a stricter threshold would be set by the tail shape the calibration assumes, not by the parts; ` +
    `used: ${ppm(b.usedPpm)}${perDay}. For the asked ${ppm(b.askedPpm)}, record ${count(b.moreParts)} more good ` +
    `parts${time ? ` (${time})` : ''}: ${count(b.partsNeeded)} learned from, ${count(b.heldOutNeeded)} held out`
  );
}

/** The manifest's record of the budget (score.details and training.parts.budget). */
export function partBudgetRecord(b: PartBudget): Record<string, number | string> {
  return {
    budget_asked_ppm: b.askedPpm,
    budget_supported_ppm: b.supportedPpm,
    budget_used_ppm: b.usedPpm,
    budget_used: b.usedAsked ? 'asked' : 'supported',
    budget_rule: `the strictest supported is 1/(n·k) of parts, n = ${b.heldOut} held out, k = ${tailSize(b.heldOut)} in the tail fit`,
    ...(b.usedAsked ? {} : { parts_to_record: b.moreParts, parts_needed: b.partsNeeded }),
  };
}
