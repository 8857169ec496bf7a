/**
 * Retry delays: exponential from `minMs`, capped at `maxMs`, optionally jittered (pure); and the
 * wait itself, which a stop can cut short.
 */

/** Delay before retry number `attempt` (1 = the first retry): minMs · 2^(attempt−1), at most maxMs. */
export function backoffMs(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** Spreads a delay over [½·delay, delay), so many clients do not retry in step. */
export function jittered(delayMs: number, random: () => number = Math.random): number {
  return delayMs * (0.5 + random() * 0.5);
}

/**
 * A run of consecutive failures of one thing (a device, a connection): how many, whether a
 * failure's message is new (each distinct message is logged once, every one is counted), and the
 * jittered delay before the next try.
 */
export class FailureStreak {
  count = 0;
  private lastMessage: string | undefined;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Counts a failure; true when its message differs from the previous failure's (log it then). */
  fail(message: string): boolean {
    this.count++;
    const fresh = message !== this.lastMessage;
    this.lastMessage = message;
    return fresh;
  }

  /** The delay before the next try, after `count` failures. */
  delayMs(): number {
    return jittered(backoffMs(this.count, this.minMs, this.maxMs), this.random);
  }

  /** Ends the streak (it worked again); returns how many failures it had. */
  end(): number {
    const n = this.count;
    this.count = 0;
    this.lastMessage = undefined;
    return n;
  }
}

/** A wait of a backoff that can be ended early: `wake()` resolves `done` at once (a stop during the wait). */
export interface Pause {
  readonly done: Promise<void>;
  wake(): void;
}

export function pause(ms: number): Pause {
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(t);
      resolve();
    };
  });
  return { done, wake };
}
