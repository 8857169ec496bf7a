/** The pump station's channels, in register order: what the plant models and a sensor fault may act on. */
export const PUMP_CHANNELS = [
  'vibration_1',
  'vibration_2',
  'motor_current',
  'voltage',
  'pressure',
  'temperature',
  'flow',
] as const;
export type PumpChannel = (typeof PUMP_CHANNELS)[number];
