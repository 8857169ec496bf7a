/**
 * Takeovers of a client id, the MQTT source's and the cloud sync's (client-id-takeovers.ts): said once after three
 * short connections in a row, quiet while they last, over once a connection holds for the rule's shortMs; a connect
 * that fails ends the episode. An injected clock and timer: nothing waits.
 */
import { describe, expect, it } from 'vitest';
import { ClientIdTakeovers } from '../../src/core/client-id-takeovers.js';
import type { Timer } from '../../src/core/timer.js';

const RULE = { shortMs: 5000, times: 3 };

/** The takeovers on a clock the test moves, with what they told, and the timer they set (one at a time). */
function takeovers() {
  let now = 0;
  const told: string[] = [];
  let pending: { fn: () => void; at: number } | undefined;
  const timer: Timer = {
    set: (fn, ms) => (pending = { fn, at: now + ms }),
    clear: (handle) => {
      if (handle === pending) pending = undefined;
    },
  };
  const watch = new ClientIdTakeovers(
    { takenOver: () => told.push('taken over'), holds: () => told.push('holds') },
    RULE,
    () => now,
    timer,
  );
  /** Moves the clock on by `ms`, running the timer where it is due. */
  const advance = (ms: number) => {
    now += ms;
    if (pending && pending.at <= now) {
      const { fn } = pending;
      pending = undefined;
      fn();
    }
  };
  /** A connection subscribed, then dropped `ms` later; what opened() answered. */
  const connection = (ms: number) => {
    const waits = watch.opened();
    advance(ms);
    watch.dropped();
    watch.failed(true);
    return waits;
  };
  return { watch, told, advance, connection, pending: () => pending };
}

describe('ClientIdTakeovers', () => {
  it('says the third short connection in a row once, and is quiet while the takeovers go on', () => {
    const t = takeovers();
    expect([t.connection(100), t.connection(100)]).toEqual([false, false]);
    expect(t.told).toEqual([]);
    expect(t.watch.quiet).toBe(false);
    t.connection(100);
    expect(t.told).toEqual(['taken over']);
    expect(t.watch.quiet).toBe(true);
    // The next ones: opened() says the caller is not to say it subscribed; nothing more is told.
    expect([t.connection(100), t.connection(100)]).toEqual([true, true]);
    expect(t.told).toEqual(['taken over']);
  });

  it('says a connection that held for shortMs after the takeovers, and is loud again', () => {
    const t = takeovers();
    for (let i = 0; i < 3; i++) t.connection(100);
    expect(t.watch.opened()).toBe(true);
    t.advance(RULE.shortMs - 1);
    expect(t.told).toEqual(['taken over']);
    t.advance(1);
    expect(t.told).toEqual(['taken over', 'holds']);
    expect(t.watch.quiet).toBe(false);
  });

  it('a connection dropped before it held tells nothing (its wait ends with it)', () => {
    const t = takeovers();
    for (let i = 0; i < 3; i++) t.connection(100);
    expect(t.watch.opened()).toBe(true);
    t.advance(RULE.shortMs - 1);
    t.watch.dropped();
    expect(t.pending()).toBeUndefined();
    t.advance(RULE.shortMs);
    expect(t.told).toEqual(['taken over']);
    expect(t.watch.quiet).toBe(true);
  });

  it('a connect that fails (the broker refused it, or is down) ends the episode: said as any failure', () => {
    const t = takeovers();
    for (let i = 0; i < 3; i++) t.connection(100);
    t.watch.failed(false);
    expect(t.watch.quiet).toBe(false);
    expect(t.told).toEqual(['taken over']);
  });

  it('connections that last are no takeover, nor a long one between short ones', () => {
    const t = takeovers();
    t.connection(100);
    t.connection(100);
    t.connection(RULE.shortMs);
    t.connection(100);
    t.connection(100);
    expect(t.told).toEqual([]);
    t.connection(100);
    expect(t.told).toEqual(['taken over']);
  });
});
