/**
 * Group commit, apart from the database: the items (alarm transitions) accepted before the scheduled commit runs are
 * committed together, in one transaction with one sync to disk, where each used to have a sync of its own. Whoever
 * needs an item on disk (the API's answer to an operator, the alarm's actions) waits on `durable()`. A group that fails
 * to commit is not dropped: its items stay pending, ahead of those accepted since, and go with the next group; those
 * waiting on it are told why. The bound on pending items, in items and in bytes (a journal that cannot be written for
 * hours; transitions with operators' comments of up to 64 KiB), drops the oldest, and says how many: what the gateway
 * already acted on cannot be refused afterwards. Each alarm's newest transition, the state a restart restores, goes
 * last: the transitions it supersedes go first.
 */

/** Runs `run` later (setImmediate: after the I/O of this turn of the event loop), or at once (one sync an item). */
export type Schedule = (run: () => void) => void;

/** The most items kept pending while commits fail; past it the oldest go. */
export const MAX_PENDING = 10_000;
/**
 * The most bytes of items kept pending (their size as sizeOf gives it): 10,000 transitions of about 1 KiB fit, 256 with
 * 64 KiB comments; past it the oldest go.
 */
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * The bound on pending items: how many, and how many bytes (`sizeOf` an item). With `key` (an alarm's), an item that a
 * newer one of the same key supersedes goes before any other: each key's newest item is dropped last.
 */
export interface PendingBound<T> {
  readonly items: number;
  readonly bytes: number;
  readonly sizeOf: (item: T) => number;
  readonly key?: (item: T) => string;
  /** Told the items the bound drops, oldest first, each time it drops any (the journal records its gap). */
  readonly dropped?: (items: readonly T[]) => void;
}

/** A group taken for a commit: its items, and `settle` to say how the commit went. */
export interface Group<T> {
  readonly items: readonly T[];
  /** Without an error: the items are on disk. With one: they are pending again; returns how many the bound dropped. */
  settle(error?: Error): number;
}

interface Waiting {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function waiting(): Waiting {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class GroupCommit<T> {
  private pending: T[] = [];
  /** The size of each pending item, in order, and their sum. */
  private sizes: number[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  /** Those waiting on the items pending now; created by the first durable() call, so no rejection goes unheard. */
  private waiters: Waiting | undefined;
  /** Why the last commit failed; undefined once one succeeds. */
  private lastError: Error | undefined;

  /** `due`: commits (it calls take() and settles the group); `schedule`: when. */
  constructor(
    private readonly due: () => void,
    private readonly schedule: Schedule,
    private readonly limit: PendingBound<T>,
  ) {}

  /** Items accepted and not yet on disk. */
  get size(): number {
    return this.pending.length;
  }

  /** Their bytes, as the bound counts them. */
  get bytes(): number {
    return this.pendingBytes;
  }

  /** Accepts items and schedules a commit, unless one is already; returns how many the bound dropped. */
  add(items: readonly T[]): number {
    for (const item of items) {
      const size = this.limit.sizeOf(item);
      this.pending.push(item);
      this.sizes.push(size);
      this.pendingBytes += size;
    }
    const dropped = this.bound();
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.due();
      });
    }
    return dropped;
  }

  /**
   * Resolves once every item accepted so far is on disk; rejects with the error of the commit that failed to put them
   * there. Where the last commit failed and none is scheduled, rejects at once with its error (the items wait for the
   * next group or the next flush).
   */
  durable(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    if (!this.scheduled) return Promise.reject(this.lastError ?? new Error('not committed: no commit is scheduled'));
    this.waiters ??= waiting();
    return this.waiters.promise;
  }

  /** Takes every pending item for one commit, and with them those who wait on them. */
  take(): Group<T> {
    const items = this.pending;
    const sizes = this.sizes;
    const bytes = this.pendingBytes;
    const waiters = this.waiters;
    this.pending = [];
    this.sizes = [];
    this.pendingBytes = 0;
    this.waiters = undefined;
    return {
      items,
      settle: (error) => {
        if (!error) {
          this.lastError = undefined;
          waiters?.resolve();
          return 0;
        }
        this.pending = [...items, ...this.pending];
        this.sizes = [...sizes, ...this.sizes];
        this.pendingBytes += bytes;
        this.lastError = error;
        waiters?.reject(error);
        return this.bound();
      },
    };
  }

  /**
   * Drops pending items past the bound, in items or in bytes, and returns how many: the oldest of those a newer item
   * of their key supersedes first, then the oldest.
   */
  private bound(): number {
    const { items: maxItems, bytes: maxBytes, key } = this.limit;
    let count = this.pending.length;
    let bytes = this.pendingBytes;
    if (count <= maxItems && bytes <= maxBytes) return 0;
    const dropped = new Set<number>();
    const drop = (i: number) => {
      dropped.add(i);
      count--;
      bytes -= this.sizes[i];
    };
    const over = () => count > maxItems || bytes > maxBytes;
    if (key) {
      const newest = new Map<string, number>();
      this.pending.forEach((item, i) => newest.set(key(item), i));
      for (let i = 0; i < this.pending.length && over(); i++) if (newest.get(key(this.pending[i])) !== i) drop(i);
    }
    for (let i = 0; i < this.pending.length && over(); i++) if (!dropped.has(i)) drop(i);
    if (this.limit.dropped) this.limit.dropped(this.pending.filter((_, i) => dropped.has(i)));
    this.pending = this.pending.filter((_, i) => !dropped.has(i));
    this.sizes = this.sizes.filter((_, i) => !dropped.has(i));
    this.pendingBytes = bytes;
    return dropped.size;
  }
}
