/** Fault definitions of the line simulator and their effect on the plant's signals (pure). */
import { z } from 'zod';

export const FAULT_TYPES = [
  'valve_closure',
  'rotor_imbalance',
  'cavitation',
  'sensor_drift',
  'stuck_sensor',
  'bad_press_fit',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export const faultSpecSchema = z.strictObject({
  type: z.enum(FAULT_TYPES),
  /** Seconds of simulated time after the simulator's start (for a schedule) or after the request (HTTP). */
  start_s: z.number().min(0).default(0),
  /** How long the fault lasts; omitted means until cleared. */
  duration_s: z.number().positive().optional(),
  /** 0..1, how strong the fault is once fully developed. */
  severity: z.number().min(0).max(1).default(0.8),
  /** Seconds over which the fault develops from nothing to full severity. */
  ramp_s: z.number().min(0).default(5),
  /** The channel a sensor fault acts on (sensor_drift, stuck_sensor). */
  channel: z.string().optional(),
});
export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface ActiveFault extends FaultSpec {
  readonly id: number;
  /** Absolute simulated time in seconds when the fault starts. */
  readonly at_s: number;
}

/** How developed a fault is at time t: 0 before it starts or after it ends, ramping to `severity`. */
export function faultLevel(fault: ActiveFault, t_s: number): number {
  if (t_s < fault.at_s) return 0;
  if (fault.duration_s !== undefined && t_s > fault.at_s + fault.duration_s) return 0;
  const ramp = fault.ramp_s > 0 ? Math.min(1, (t_s - fault.at_s) / fault.ramp_s) : 1;
  return fault.severity * ramp;
}

export function isPumpFault(type: FaultType): boolean {
  return type !== 'bad_press_fit';
}
