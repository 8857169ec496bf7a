/**
 * A Modbus device's tags, grouped for polling (pure): each tag with its decoder built once, the tags grouped by poll
 * interval (per-tag intervals), each group read with the fewest requests the planner finds.
 */
import type { RegisterConfig } from './schema.js';
import type { ModbusDeviceConfig } from './devices.js';
import {
  compileDecoder,
  decodeText,
  roundedInteger,
  toEngineering,
  type RegisterDecoder,
  type TagType,
} from './encoding.js';
import { isBitTable, planReads, type ReadRequest } from './request-plan.js';

/**
 * A tag with its decoder built once. A class, not `{ ...register, decode }`: V8 gives an object
 * literal holding a distinct closure its own hidden class, so 2,000 tags had 2,000 shapes and
 * every property read in the polling loop went megamorphic (≈0.5 µs per register, measured).
 */
export class Tag {
  readonly channel: string;
  readonly table: RegisterConfig['table'];
  readonly address: number;
  readonly type: TagType;
  readonly length: number | undefined;
  readonly unit: string | undefined;
  readonly scale: number;
  readonly offset: number;
  readonly decode: RegisterDecoder;
  /** raw × scale + offset, reading as written (toEngineering). */
  readonly scaled: (raw: number) => number;
  /** Set for `string` tags, whose samples carry text (value NaN). */
  readonly decodeText: ((words: readonly number[], offset: number) => string) | undefined;
  readonly pollIntervalMs: number | undefined;
  /** Set for int64 and uint64 registers: the value read where a number cannot hold it exactly (roundedInteger). */
  readonly rounded: ((words: readonly number[], offset: number) => bigint | undefined) | undefined;

  constructor(register: RegisterConfig) {
    this.channel = register.channel;
    this.table = register.table;
    this.address = register.address;
    this.type = register.type;
    this.length = register.length;
    this.unit = register.unit;
    this.scale = register.scale;
    this.offset = register.offset;
    this.scaled = toEngineering(register.scale, register.offset);
    const type = register.type;
    if (type === 'string') {
      const length = register.length ?? 1;
      this.decode = () => Number.NaN;
      this.decodeText = (w, o) => decodeText(w, o, length, register.byte_order);
    } else {
      this.decode = isBitTable(register.table)
        ? (w, o) => (w[o] ? 1 : 0)
        : compileDecoder(type, register.byte_order, register.bit);
      this.decodeText = undefined;
    }
    this.pollIntervalMs = register.poll_interval_ms;
    this.rounded =
      (type === 'int64' || type === 'uint64') && !isBitTable(register.table)
        ? (w, o) => roundedInteger(w, o, type, register.byte_order)
        : undefined;
  }
}

export interface PollGroup {
  readonly intervalMs: number;
  readonly tags: readonly Tag[];
  readonly requests: readonly ReadRequest<Tag>[];
}

/** A device's poll groups, fastest first: its tags by poll interval (a tag's own, else the device's). */
export function pollGroups(config: ModbusDeviceConfig): PollGroup[] {
  const byInterval = new Map<number, Tag[]>();
  for (const register of config.registers) {
    const tag = new Tag(register);
    const interval = tag.pollIntervalMs ?? config.pollIntervalMs;
    byInterval.set(interval, [...(byInterval.get(interval) ?? []), tag]);
  }
  return [...byInterval]
    .sort(([a], [b]) => a - b)
    .map(([intervalMs, tags]) => ({ intervalMs, tags, requests: planReads(tags, config.maxGapRegisters) }));
}
