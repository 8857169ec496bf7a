/**
 * Whether a run of part ids reads as a part counter (pure): it counted up by exactly 1 at least half of its steps
 * between parts (it may start again, a recording of several runs, a PLC restarted, or skip a part whose readings were
 * lost). One rule for training's refusal of a counter among the curves (csv-parts.ts) and the gateway's parts a counter
 * skipped (part-counter-gaps.ts).
 */
export function countsByOne(stepsOfOne: number, steps: number): boolean {
  return stepsOfOne > 0 && 2 * stepsOfOne >= steps;
}
