/**
 * The synthetic plant's fault catalogue: the kinds of fault a labelled run can hold, what each does, and the ranges
 * of its magnitude for normal and for hard (barely visible) faults. Data only.
 */
import type { Range } from './seeded-streams.js';

export const PLANT_FAULT_KINDS = [
  'compensated-step',
  'ramp-disturbance',
  'sensor-bias',
  'sensor-drift',
  'stuck-sensor',
  'sticky-valve',
  'random-variation',
  'correlation-break',
] as const;
export type PlantFaultKind = (typeof PLANT_FAULT_KINDS)[number];

/** What each kind does, and what its magnitude means: a range for normal faults and one for hard (barely visible)
 * ones. */
export const PLANT_FAULTS: Record<
  PlantFaultKind,
  { readonly does: string; readonly normal: Range; readonly hard: Range }
> = {
  'compensated-step': {
    does: "step on a loop's process input; the PI loop pulls the CV back, its valve moves by magnitude × its normal sd",
    normal: [2.5, 5],
    hard: [0.4, 0.8],
  },
  'ramp-disturbance': {
    does: "ramp on a latent disturbance, reaching magnitude × its sd at the fault's end",
    normal: [2, 4],
    hard: [0.4, 0.8],
  },
  'sensor-bias': {
    does: "one sensor reads magnitude × its normal sd off (a CV's bias is hidden by its loop and moves the valve)",
    normal: [3, 6],
    hard: [0.4, 0.8],
  },
  'sensor-drift': {
    does: "one sensor's error grows linearly to magnitude × its normal sd at the fault's end",
    normal: [3, 6],
    hard: [0.5, 1],
  },
  'stuck-sensor': {
    does: 'one sensor freezes (hard: reports a change only when it exceeds magnitude × its normal sd)',
    normal: [0, 0],
    hard: [1, 2],
  },
  'sticky-valve': {
    does: "valve stiction: it sticks until the controller output is magnitude × the valve's normal sd away, then slips past it; the CV wanders and jumps",
    normal: [3, 6],
    hard: [0.8, 1.5],
  },
  'random-variation': {
    does: "a latent disturbance's random variation grows: its innovation sd × (1 + magnitude)",
    normal: [1, 2],
    hard: [0.3, 0.5],
  },
  'correlation-break': {
    does: 'one channel decouples from its latent sources (magnitude: the fraction of the way); its own spread is unchanged',
    normal: [1, 1],
    hard: [0.3, 0.5],
  },
};
