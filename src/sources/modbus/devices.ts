/**
 * The devices of a Modbus source (pure): one connection may carry several unit ids, each with its
 * own asset, poll interval and register map. Config checks, the source and the modbus_write action
 * read a source's devices through modbusDevices().
 */
import type { ModbusSourceConfig, RegisterConfig } from './schema.js';

export interface ModbusDeviceConfig {
  readonly unitId: number;
  readonly asset: string;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly maxGapRegisters: number;
  readonly registers: readonly RegisterConfig[];
  /** Where it is configured, after `sources[i]`: "" or ".devices[j]". */
  readonly where: string;
  /** The setting its poll interval comes from, after `sources[i]`. */
  readonly intervalKey: string;
}

/** The devices of a Modbus source: the top-level one (when it has registers), then `devices`. */
export function modbusDevices(source: ModbusSourceConfig): ModbusDeviceConfig[] {
  const top: ModbusDeviceConfig[] =
    source.registers.length > 0
      ? [
          {
            unitId: source.unit_id,
            asset: source.asset ?? source.name,
            pollIntervalMs: source.poll_interval_ms,
            timeoutMs: source.timeout_ms,
            maxGapRegisters: source.max_gap_registers,
            registers: source.registers,
            where: '',
            intervalKey: '.poll_interval_ms',
          },
        ]
      : [];
  return [
    ...top,
    ...source.devices.map((d, j) => ({
      unitId: d.unit_id,
      asset: d.asset,
      pollIntervalMs: d.poll_interval_ms ?? source.poll_interval_ms,
      timeoutMs: d.timeout_ms ?? source.timeout_ms,
      maxGapRegisters: d.max_gap_registers ?? source.max_gap_registers,
      registers: d.registers,
      where: `.devices[${j}]`,
      intervalKey: d.poll_interval_ms === undefined ? '.poll_interval_ms' : `.devices[${j}].poll_interval_ms`,
    })),
  ];
}
