/**
 * What a Modbus write puts on the line (pure): the function (5, 15, 6 or 16), the address and the coil or register
 * values, from a coil, consecutive coils, a number encoded like a read, or text.
 */
import {
  encodeRegisters,
  encodeText,
  fitText,
  fromEngineering,
  type ByteOrder,
  type RegisterType,
} from './encoding.js';

/** A value to write: a coil (several consecutive coils: function 15), a holding register value encoded like a read, or
 * text over `length` registers. */
export type ModbusWrite =
  | { readonly table: 'coil'; readonly address: number; readonly value: boolean | readonly boolean[] }
  | {
      readonly table: 'holding';
      readonly address: number;
      readonly text: string;
      readonly length: number;
      readonly byteOrder: ByteOrder;
    }
  | {
      readonly table: 'holding';
      readonly address: number;
      readonly value: number;
      readonly type: Exclude<RegisterType, 'bit'>;
      readonly byteOrder: ByteOrder;
      readonly scale: number;
      readonly offset: number;
    };

/** One write request: function code, first address and its values. */
export type WriteRequest =
  | { readonly fc: 5; readonly address: number; readonly value: boolean }
  | { readonly fc: 15; readonly address: number; readonly values: boolean[] }
  | { readonly fc: 6; readonly address: number; readonly value: number }
  | { readonly fc: 16; readonly address: number; readonly values: number[] };

/** A write in messages: "write coil 3", "write coils 3..5", "write holding register 100". */
export function writeName(target: ModbusWrite): string {
  if (target.table === 'coil' && typeof target.value !== 'boolean')
    return `write coils ${target.address}..${target.address + target.value.length - 1}`;
  return `write ${target.table === 'coil' ? 'coil' : 'holding register'} ${target.address}`;
}

/** The request that writes `target`; throws (RangeError) where its value cannot be encoded. */
export function writeRequest(target: ModbusWrite): WriteRequest {
  const address = target.address;
  if (target.table === 'coil')
    return typeof target.value === 'boolean'
      ? { fc: 5, address, value: target.value }
      : { fc: 15, address, values: [...target.value] };
  if ('text' in target)
    return {
      fc: 16,
      address,
      values: encodeText(fitText(target.text, target.length * 2), target.length, target.byteOrder),
    };
  const words = encodeRegisters(
    fromEngineering(target.value, target.scale, target.offset),
    target.type,
    target.byteOrder,
  );
  return words.length === 1 ? { fc: 6, address, value: words[0] } : { fc: 16, address, values: words };
}
