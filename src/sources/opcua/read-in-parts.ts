/**
 * A one-shot read of many nodes where a node's value may be over max_message_bytes (message-bound.ts). One Read
 * request carries every node; a response over the bound fails it whole (a server that keeps to the bound answers
 * with a fault, BadTcpMessageTooLarge; one that does not has its message refused and the connection closed). The
 * request is then split in halves, each read on its own, down to the single nodes whose value is over the bound:
 * those are named, the others read. At most 2n - 1 requests for n nodes; a connection the refusal closed is the
 * caller's to open again (`read`). Pure: the reads and the clock are given.
 *
 * Against a slow server each of those requests may take a whole timeout: (2n - 1) × timeout_ms in all. With a
 * `deadline`, no part starts after it: the parts left are unread, saying how many nodes were read by then (so the
 * whole read takes at most the deadline and one request's timeout). OpcuaSource gives timeout_ms × (⌈log2 n⌉ + 1):
 * time for one request at each level of halving, from all the nodes down to one alone (partsDeadline); the browse
 * paths it translates to node ids get a deadline of their own by the same rule (node-ids.ts), n the paths.
 */
import { isOversize } from './message-bound.js';
import { firstLine } from './opcua-value.js';

/** A node that was not read: over the bound (`tooLarge`), or its part's read failed after others had been read. */
export interface Unread {
  readonly unread: string;
  readonly tooLarge: boolean;
  /** `unread` is the whole reason in words already (a browse path's translation refused: read-nodes.ts). */
  readonly described?: boolean;
}

/**
 * The readings of `ids` in order, each read or why not. A failure that is not a message over the bound rejects where
 * nothing was read yet (the connection failed, not a node); after a part was read, it marks the rest of its part.
 */
export async function readInParts<R>(
  ids: readonly string[],
  read: (ids: readonly string[]) => Promise<R[]>,
  deadline?: PartsDeadline,
): Promise<(R | Unread)[]> {
  let readSome = false;
  let readCount = 0;
  const part = async (from: number, to: number): Promise<(R | Unread)[]> => {
    const some = ids.slice(from, to);
    if (deadline && deadline.now() > deadline.at) {
      const message = `${deadline.doing} in parts took over ${deadline.what}: ${readCount} of ${ids.length} ${deadline.done}`;
      if (!readSome) throw new Error(message);
      return some.map(() => ({ unread: `${message}, this one not`, tooLarge: false }));
    }
    try {
      const readings = await read(some);
      readSome = true;
      readCount += some.length;
      return readings;
    } catch (err) {
      const message = firstLine((err as Error)?.message ?? String(err)).trim();
      if (!isOversize(message)) {
        if (!readSome) throw err;
        return some.map(() => ({ unread: message, tooLarge: false }));
      }
      if (some.length === 1) return [{ unread: message, tooLarge: true }];
      const half = from + Math.ceil(some.length / 2);
      return [...(await part(from, half)), ...(await part(half, to))];
    }
  };
  return ids.length === 0 ? [] : part(0, ids.length);
}

/**
 * When reading in parts stops starting parts: `at` on the clock `now` (ms), and what it is in words: the work
 * ("reading 8 nodes"), the deadline ("4000 ms (timeout_ms 1000 × 4, …)") and what an item that was done is ("read").
 */
export interface PartsDeadline {
  readonly at: number;
  readonly now: () => number;
  readonly doing: string;
  readonly what: string;
  readonly done: string;
}

/** What is done in parts: node values read, or browse paths translated to node ids. */
const WORK = {
  read: { items: 'nodes', doing: 'reading', done: 'read' },
  translate: { items: 'browse paths', doing: 'translating', done: 'translated' },
} as const;

/**
 * The deadline for reading (or translating) `count` nodes (browse paths) in parts, from now: `timeoutMs` (the
 * source's timeout_ms) for one request at each level of halving, ⌈log2 count⌉ + 1 of them.
 */
export function partsDeadline(
  count: number,
  timeoutMs: number,
  now: () => number,
  work: keyof typeof WORK = 'read',
): PartsDeadline {
  const levels = Math.ceil(Math.log2(Math.max(1, count))) + 1;
  const ms = timeoutMs * levels;
  const { items, doing, done } = WORK[work];
  return {
    at: now() + ms,
    now,
    doing: `${doing} ${count} ${items}`,
    what: `${ms} ms (timeout_ms ${timeoutMs} × ${levels}, one request per halving)`,
    done,
  };
}

/** The source's timeout_ms and clock, from which each deadline of work in parts is set as it starts. */
export interface PartsTiming {
  readonly timeoutMs: number;
  readonly now: () => number;
}

export const isUnread = (r: unknown): r is Unread => typeof r === 'object' && r !== null && 'unread' in r;
