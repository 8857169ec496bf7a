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

/**
 * The table and 0-based address a PLC-manual (Modicon) number names, where it can only be one: six digits, 1xxxxx
 * discrete inputs, 3xxxxx input and 4xxxxx holding registers (100001–165536, 300001–365536, 400001–465536). Five-digit
 * numbers (40001) and coils (0xxxxx) are not taken: they are protocol addresses too.
 */
export function modiconAddress(n: number): { table: RegisterTable; address: number } | undefined {
  const tables = { 1: 'discrete', 3: 'input', 4: 'holding' } as const;
  const table = tables[Math.floor(n / 100_000) as keyof typeof tables];
  const address = (n % 100_000) - 1;
  return table && Number.isInteger(n) && address >= 0 && address <= 65535 ? { table, address } : undefined;
}

/**
 * Why `address` (past 65535) of register `channel` is refused, and where it is a Modicon number what to write instead:
 * "400011 looks like Modicon notation for holding register 11: write address: 10 with table: holding".
 */
export function addressTooBig(channel: string | undefined, table: string, address: number): string {
  const past = `${channel === undefined ? '' : `channel ${channel}: `}${address} is past the last Modbus address, 65535`;
  const modicon = modiconAddress(address);
  if (!modicon)
    return `${past} (address counts from 0 as on the wire: holding register 1 of a PLC manual, 40001, is address: 0)`;
  const what = modicon.table === 'discrete' ? 'discrete input' : `${modicon.table} register`;
  const other = modicon.table === table ? '' : ` (this register has table: ${table})`;
  return `${past}; ${address} looks like Modicon notation for ${what} ${modicon.address + 1}: write address: ${modicon.address} with table: ${modicon.table}${other}`;
}

/** The digit a five-digit Modicon reference of a table starts with, where it can be told from an offset (not coils). */
const MODICON_DIGIT: Partial<Record<RegisterTable, number>> = { discrete: 1, input: 3, holding: 4 };

/**
 * The 0-based offset `address` would mean were it a five-digit Modicon reference of its own table (holding 40101 →
 * 100; input 30001 → 0; discrete 10001 → 0), or undefined where it is none. Coils (00001) are numbers like any offset.
 * Such an address is a valid offset too (some devices map that high): a hint, never a refusal.
 */
export function modiconLookalike(table: RegisterTable, address: number): number | undefined {
  const digit = MODICON_DIGIT[table];
  if (digit === undefined) return undefined;
  const offset = address - digit * 10_000 - 1;
  return offset >= 0 && offset <= 9998 ? offset : undefined;
}

/** What a Modicon-looking `address` probably means: "address 40101 looks like a Modicon reference: …, is 100". */
export function modiconHint(address: number, offset: number): string {
  return (
    `address ${address} looks like a Modicon reference: linewatch takes the protocol's 0-based offset, ` +
    `which for ${address} is ${offset}`
  );
}
