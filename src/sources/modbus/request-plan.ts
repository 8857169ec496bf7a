/**
 * Pure request planning: turns a register map into as few read requests as the protocol allows.
 * Tags of one table are sorted by address and merged into one request while the span stays
 * within the limit (125 registers per read) and the hole between neighbours is at most `maxGap`.
 */
import { registerCount, type RegisterType } from './encoding.js';

export type RegisterTable = 'holding' | 'input';

export const MAX_REGISTERS_PER_READ = 125;

export interface PlannedTag {
  readonly table: RegisterTable;
  readonly address: number;
  readonly type: RegisterType;
}

export interface ReadRequest<T extends PlannedTag> {
  readonly table: RegisterTable;
  readonly address: number;
  readonly count: number;
  /** The tags served by this request, each with its offset into the response. */
  readonly tags: readonly { readonly tag: T; readonly offset: number }[];
}

export function planReads<T extends PlannedTag>(tags: readonly T[], maxGap = 0, maxCount = MAX_REGISTERS_PER_READ): ReadRequest<T>[] {
  const requests: ReadRequest<T>[] = [];
  for (const table of ['holding', 'input'] as const) {
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
      const end = tag.address + registerCount(tag.type);
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
