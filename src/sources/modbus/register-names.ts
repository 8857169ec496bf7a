/**
 * How a Modbus read or write is named in messages (pure): the table and the protocol addresses, and for reads the
 * PLC-manual (Modicon) numbers a technician finds in the device's manual.
 */
import type { RegisterTable } from './request-plan.js';

/** The PLC-manual (Modicon) numbers of a read, counted from 1: 0xxxx coils, 1xxxx discrete inputs, 3xxxx input and
 * 4xxxx holding registers (six digits past 9999). */
export function modiconRange(table: RegisterTable, address: number, count: number): string {
  const six = address + count > 9999;
  const prefix = { coil: 0, discrete: 1, input: 3, holding: 4 }[table] * (six ? 100_000 : 10_000);
  const n = (a: number) => String(prefix + a + 1).padStart(six ? 6 : 5, '0');
  return `${n(address)}..${n(address + count - 1)}`;
}

/** A read request in messages: "read holding registers 0..1 (40001..40002)". */
export function readName(table: RegisterTable, address: number, count: number): string {
  const what = table === 'coil' ? 'coils' : table === 'discrete' ? 'discrete inputs' : `${table} registers`;
  return `read ${what} ${address}..${address + count - 1} (${modiconRange(table, address, count)})`;
}
