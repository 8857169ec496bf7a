/**
 * The simulator's Modbus register map: mixed encodings on purpose (scaled int16, uint32 and
 * float32 in several word orders, a float64, a status bit word) so the gateway's decoders are
 * exercised the way real PLCs exercise them. config/demo.yaml reads exactly this map.
 */
import type { ByteOrder, RegisterType } from '../sources/modbus/encoding.js';
import type { PressSignals, PumpSignals } from './plant.js';

export const PUMP_UNIT_ID = 1;
export const PRESS_UNIT_ID = 2;

export interface PlantSnapshot {
  readonly t_s: number;
  readonly pump: PumpSignals;
  readonly press: PressSignals;
  readonly pumpRunHours: number;
}

export interface SimRegister {
  readonly unit: number;
  readonly name: string;
  readonly address: number;
  readonly type: RegisterType;
  readonly order: ByteOrder;
  /** Engineering value = raw * scale. */
  readonly scale: number;
  readonly unitOfMeasure: string;
  readonly read: (s: PlantSnapshot) => number;
}

export const SIM_REGISTERS: readonly SimRegister[] = [
  {
    unit: PUMP_UNIT_ID,
    name: 'vibration_1',
    address: 0,
    type: 'uint16',
    order: 'ABCD',
    scale: 0.0001,
    unitOfMeasure: 'g',
    read: (s) => s.pump.vibration_1,
  },
  {
    unit: PUMP_UNIT_ID,
    name: 'vibration_2',
    address: 1,
    type: 'int16',
    order: 'ABCD',
    scale: 0.0001,
    unitOfMeasure: 'g',
    read: (s) => s.pump.vibration_2,
  },
  {
    unit: PUMP_UNIT_ID,
    name: 'motor_current',
    address: 2,
    type: 'float32',
    order: 'ABCD',
    scale: 1,
    unitOfMeasure: 'A',
    read: (s) => s.pump.motor_current,
  },
  {
    unit: PUMP_UNIT_ID,
    name: 'voltage',
    address: 4,
    type: 'float32',
    order: 'CDAB',
    scale: 1,
    unitOfMeasure: 'V',
    read: (s) => s.pump.voltage,
  },
  {
    unit: PUMP_UNIT_ID,
    name: 'pressure',
    address: 6,
    type: 'float32',
    order: 'BADC',
    scale: 1,
    unitOfMeasure: 'bar',
    read: (s) => s.pump.pressure,
  },
  {
    unit: PUMP_UNIT_ID,
    name: 'temperature',
    address: 8,
    type: 'int16',
    order: 'ABCD',
    scale: 0.01,
    unitOfMeasure: 'degC',
    read: (s) => s.pump.temperature,
  },
  {
    unit: PUMP_UNIT_ID,
    name: 'flow',
    address: 10,
    type: 'uint32',
    order: 'CDAB',
    scale: 0.001,
    unitOfMeasure: 'l/min',
    read: (s) => s.pump.flow,
  },
  {
    unit: PUMP_UNIT_ID,
    name: 'run_hours',
    address: 12,
    type: 'float64',
    order: 'DCBA',
    scale: 1,
    unitOfMeasure: 'h',
    read: (s) => s.pumpRunHours,
  },
  {
    unit: PRESS_UNIT_ID,
    name: 'status_word',
    address: 0,
    type: 'uint16',
    order: 'ABCD',
    scale: 1,
    unitOfMeasure: '',
    read: (s) => (s.press.cycle_active ? 1 : 0) | 0b10,
  },
  {
    unit: PRESS_UNIT_ID,
    name: 'part_counter',
    address: 1,
    type: 'uint32',
    order: 'ABCD',
    scale: 1,
    unitOfMeasure: '',
    read: (s) => s.press.part_counter,
  },
  {
    unit: PRESS_UNIT_ID,
    name: 'force',
    address: 3,
    type: 'float32',
    order: 'CDAB',
    scale: 1,
    unitOfMeasure: 'kN',
    read: (s) => s.press.force_kn,
  },
  {
    unit: PRESS_UNIT_ID,
    name: 'position',
    address: 5,
    type: 'float32',
    order: 'ABCD',
    scale: 1,
    unitOfMeasure: 'mm',
    read: (s) => s.press.position_mm,
  },
];

/** A text register: `length` registers, two characters each (a string tag for the gateway). */
export interface SimTextRegister {
  readonly unit: number;
  readonly name: string;
  readonly address: number;
  readonly length: number;
  readonly order: ByteOrder;
  readonly read: (s: PlantSnapshot) => string;
}

/** The serial number of the part in the press (its counter, as the press prints it on the part). */
export const pressSerial = (partCounter: number) => `PRS-${String(partCounter).padStart(6, '0')}`;

export const SIM_TEXT_REGISTERS: readonly SimTextRegister[] = [
  {
    unit: PRESS_UNIT_ID,
    name: 'serial',
    address: 8,
    length: 6,
    order: 'ABCD',
    read: (s) => pressSerial(s.press.part_counter),
  },
];

/** Number of holding registers each unit exposes. */
export const REGISTERS_PER_UNIT = 32;
