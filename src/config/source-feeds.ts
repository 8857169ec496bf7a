/**
 * What each configured source feeds, device by device (pure): a Modbus source may carry several
 * unit ids on one connection, each with its own asset and poll interval; an OPC UA source feeds
 * one asset. Config checks and the runtime both read the sources through these functions.
 */
import type { Config, ModbusSourceConfig, RegisterConfig } from './schema.js';

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

export interface SourceFeed {
  readonly asset: string;
  readonly channels: readonly string[];
  /** How often the feed delivers its (fastest) samples. */
  readonly periodMs: number;
  /** The setting that sets that period, after `sources[i]`. */
  readonly periodKey: string;
}

export function sourceFeeds(source: Config['sources'][number]): SourceFeed[] {
  if (source.type === 'opcua')
    return [
      {
        asset: source.asset,
        channels: source.nodes.map((n) => n.channel),
        periodMs: source.publishing_interval_ms,
        periodKey: '.publishing_interval_ms',
      },
    ];
  return modbusDevices(source).map((d) => ({
    asset: d.asset,
    channels: d.registers.map((r) => r.channel),
    periodMs: d.pollIntervalMs,
    periodKey: d.intervalKey,
  }));
}
