/**
 * An OPC UA value as the source sees it: a number and a quality. Pure (no node-opcua at run time),
 * so the conversion of what a server sends is testable on its own. node-opcua hands 64-bit
 * integers (Int64, UInt64) over as [high, low] pairs of 32-bit words; they become numbers (exact
 * up to 2^53, as every number of the gateway).
 */
import type { Quality } from '../../core/types.js';

export interface Reading {
  readonly value: number;
  readonly quality: Quality;
  readonly sourceTs?: number;
  readonly serverTs?: number;
  /** Set when the value is not a number or boolean: the type that arrived instead. */
  readonly wrongType?: string;
  /** The status code's name where it is not Good (BadNodeIdUnknown): why the value is bad or uncertain. */
  readonly status?: string;
}

/** What a DataValue carries, taken apart: its value, the name of its data type, status code and timestamps. */
export interface RawValue {
  readonly raw: unknown;
  readonly dataType: string | undefined;
  readonly status: number;
  readonly sourceTs?: number;
  readonly serverTs?: number;
}

/** StatusCode severity bits: 00 good, 01 uncertain, 10/11 bad. */
export function qualityOf(statusValue: number): Quality {
  const severity = statusValue >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

const isWord = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** A 64-bit integer from node-opcua's [high, low] pair, or undefined when `raw` is not one. */
export function int64Value(raw: unknown, dataType: string | undefined): number | undefined {
  if ((dataType !== 'Int64' && dataType !== 'UInt64') || !Array.isArray(raw) || raw.length !== 2) return undefined;
  const [high, low] = raw as unknown[];
  if (!isWord(high) || !isWord(low)) return undefined;
  const signedHigh = dataType === 'Int64' && (high as number) >= 0x80000000 ? (high as number) - 0x100000000 : high;
  return (signedHigh as number) * 0x100000000 + (low as number);
}

export function toReading(v: RawValue): Reading {
  const { raw, sourceTs, serverTs } = v;
  const quality = qualityOf(v.status);
  if (typeof raw === 'number') return { sourceTs, serverTs, value: raw, quality };
  if (typeof raw === 'boolean') return { sourceTs, serverTs, value: raw ? 1 : 0, quality };
  if (typeof raw === 'bigint') return { sourceTs, serverTs, value: Number(raw), quality };
  const wide = int64Value(raw, v.dataType);
  if (wide !== undefined) return { sourceTs, serverTs, value: wide, quality };
  const wrongType = raw === null || raw === undefined ? 'no value' : (v.dataType ?? typeof raw);
  return { sourceTs, serverTs, value: Number.NaN, quality: 'bad', ...(quality === 'good' ? { wrongType } : {}) };
}

/**
 * A node-opcua error message as one line of ours: its first line, without the " ." node-opcua ends some with
 * ("The connection cannot be established with server opc.tcp://plc:4840 .").
 */
export function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+\.$/, '');
}
