/** Fault definitions of the line simulator and their effect on the plant's signals (pure). */
import { z } from 'zod';
import { PUMP_CHANNELS, type PumpChannel } from './pump-channels.js';

export const FAULT_TYPES = [
  'valve_closure',
  'rotor_imbalance',
  'cavitation',
  'sensor_drift',
  'stuck_sensor',
  'bad_press_fit',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** The faults that act on one sensor, and the channel each acts on when the spec names none. */
export const SENSOR_FAULT_DEFAULT_CHANNEL: Partial<Record<FaultType, PumpChannel>> = {
  sensor_drift: 'temperature',
  stuck_sensor: 'pressure',
};
const SENSOR_FAULTS = Object.keys(SENSOR_FAULT_DEFAULT_CHANNEL).join(' and ');

export const faultSpecSchema = z
  .strictObject({
    type: z.enum(FAULT_TYPES),
    /** Seconds of simulated time after the simulator's start (for a schedule) or after the request (HTTP). */
    start_s: z.number().min(0).default(0),
    /** How long the fault lasts; omitted means until cleared. */
    duration_s: z.number().positive().optional(),
    /** 0..1, how strong the fault is once fully developed. */
    severity: z.number().min(0).max(1).default(0.8),
    /** Seconds over which the fault develops from nothing to full severity. */
    ramp_s: z.number().min(0).default(5),
    /** The channel a sensor fault acts on (sensor_drift, stuck_sensor): one of the pump's PUMP_CHANNELS. */
    channel: z.string().optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.channel === undefined) return;
    if (!(spec.type in SENSOR_FAULT_DEFAULT_CHANNEL))
      ctx.addIssue({
        code: 'custom',
        path: ['channel'],
        message: `a ${spec.type} fault takes no channel (only ${SENSOR_FAULTS} do): leave channel out`,
      });
    else if (!(PUMP_CHANNELS as readonly string[]).includes(spec.channel))
      ctx.addIssue({
        code: 'custom',
        path: ['channel'],
        message: `the plant has no channel ${JSON.stringify(spec.channel)}; its channels: ${PUMP_CHANNELS.join(', ')}`,
      });
  });
export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface ActiveFault extends FaultSpec {
  readonly id: number;
  /** Absolute simulated time in seconds when the fault starts. */
  readonly at_s: number;
}

/** Where a fault is at time t: waiting for its start, acting, or past its duration (it then no longer acts). */
export type FaultState = 'scheduled' | 'active' | 'ended';
export function faultState(fault: ActiveFault, t_s: number): FaultState {
  if (t_s < fault.at_s) return 'scheduled';
  return fault.duration_s !== undefined && t_s > fault.at_s + fault.duration_s ? 'ended' : 'active';
}

/** How developed a fault is at time t: 0 before it starts or after it ends, ramping to `severity`. */
export function faultLevel(fault: ActiveFault, t_s: number): number {
  if (faultState(fault, t_s) !== 'active') return 0;
  const ramp = fault.ramp_s > 0 ? Math.min(1, (t_s - fault.at_s) / fault.ramp_s) : 1;
  return fault.severity * ramp;
}

/** The channel a sensor fault acts on: the one it names, else its type's default. */
export function sensorFaultChannel(fault: FaultSpec): PumpChannel {
  return (fault.channel as PumpChannel | undefined) ?? SENSOR_FAULT_DEFAULT_CHANNEL[fault.type] ?? 'pressure';
}

export function isPumpFault(type: FaultType): boolean {
  return type !== 'bad_press_fit';
}
