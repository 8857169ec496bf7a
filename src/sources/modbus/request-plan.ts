/**
 * Pure request planning: turns a register map into as few read requests as the protocol allows.
 * Tags of one table are sorted by address and merged into one request while the span stays
 * within the limit (125 registers per read, 2000 coils or discrete inputs) and the hole between
 * neighbours is at most `maxGap`.
 */
import { tagRegisterCount, type TagType } from './encoding.js';

export type RegisterTable = 'holding' | 'input' | 'coil' | 'discrete';

export const MAX_REGISTERS_PER_READ = 125;
export const MAX_BITS_PER_READ = 2000;

/** Coils (function 1) and discrete inputs (function 2) are single bits, not 16-bit registers. */
export function isBitTable(table: RegisterTable): boolean {
  return table === 'coil' || table === 'discrete';
}

export interface PlannedTag {
  readonly table: RegisterTable;
  readonly address: number;
  readonly type: TagType;
  /** Registers of a `string` tag. */
  readonly length?: number;
}

export interface ReadRequest<T extends PlannedTag> {
  readonly table: RegisterTable;
  readonly address: number;
  readonly count: number;
  /** The tags served by this request, each with its offset into the response. */
  readonly tags: readonly { readonly tag: T; readonly offset: number }[];
}

/** `maxCount` limits register reads; bit reads are limited to MAX_BITS_PER_READ. */
export function planReads<T extends PlannedTag>(
  tags: readonly T[],
  maxGap = 0,
  maxRegisters = MAX_REGISTERS_PER_READ,
): ReadRequest<T>[] {
  const requests: ReadRequest<T>[] = [];
  for (const table of ['holding', 'input', 'coil', 'discrete'] as const) {
    const maxCount = isBitTable(table) ? MAX_BITS_PER_READ : maxRegisters;
    const sorted = tags.filter((t) => t.table === table).sort((a, b) => a.address - b.address);
    let current: { address: number; end: number; tags: T[] } | undefined;
    const close = () => {
      if (!current) return;
      requests.push({
        table,
        address: current.address,
        count: current.end - current.address,
        tags: current.tags.map((tag) => ({ tag, offset: tag.address - current!.address })),
      });
      current = undefined;
    };
    for (const tag of sorted) {
      const end = tag.address + (isBitTable(table) ? 1 : tagRegisterCount(tag.type, tag.length));
      if (current && tag.address - current.end <= maxGap && Math.max(end, current.end) - current.address <= maxCount) {
        current.end = Math.max(current.end, end);
        current.tags.push(tag);
      } else {
        close();
        current = { address: tag.address, end, tags: [tag] };
      }
    }
    close();
  }
  return requests;
}
