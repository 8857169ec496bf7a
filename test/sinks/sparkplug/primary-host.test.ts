/**
 * The primary host's STATE (Sparkplug 3.0.0 §5.4, §5.5): what is taken, what is ignored as older than the last one
 * taken, and what is refused (not that JSON, too large) without changing the host's state, logged one line a minute.
 */
import { describe, expect, it } from 'vitest';
import { MAX_STATE_BYTES, parseHostState, PrimaryHost } from '../../../src/sinks/sparkplug/primary-host.js';
import type { Logger } from '../../../src/telemetry/logger.js';

const state = (online: boolean, timestamp: number) => Buffer.from(JSON.stringify({ online, timestamp }));

function host() {
  const warned: string[] = [];
  const logger = { info: () => {}, warn: (_: unknown, line: string) => warned.push(line) } as unknown as Logger;
  let now = 1_000_000;
  const h = new PrimaryHost('scada-1', logger, () => now);
  return { h, warned, advance: (ms: number) => void (now += ms) };
}

describe('parseHostState', () => {
  it('takes {"online", "timestamp"} and refuses anything else, saying what', () => {
    expect(parseHostState(state(true, 1733500000000))).toEqual({ online: true, timestamp: 1733500000000 });
    expect(parseHostState(Buffer.from('ONLINE'))).toEqual({
      refused: 'not JSON (Unexpected token \'O\', "ONLINE" is not valid JSON)',
    });
    const shape = 'not {"online": true or false, "timestamp": ms since the epoch (a whole number)}';
    expect(parseHostState(Buffer.from('{"online":"true","timestamp":1}'))).toEqual({ refused: shape });
    expect(parseHostState(Buffer.from('{"online":true}'))).toEqual({ refused: shape });
    expect(parseHostState(Buffer.from('{"online":true,"timestamp":-5}'))).toEqual({ refused: shape });
    expect(parseHostState(Buffer.from('[true, 1]'))).toEqual({ refused: shape });
    const big = Buffer.from(`{"online":true,"timestamp":1,"pad":"${'x'.repeat(MAX_STATE_BYTES)}"}`);
    expect(parseHostState(big)).toEqual({ refused: `${big.length} bytes, over ${MAX_STATE_BYTES}` });
  });
});

describe('PrimaryHost', () => {
  it('is online on an online STATE and offline on an offline one not older than the last taken', () => {
    const { h } = host();
    expect(h.isOnline()).toBe(false);
    expect(h.take(state(true, 2000))).toBe('online');
    expect(h.take(state(true, 2000))).toBeUndefined();
    expect(h.take(state(false, 2000))).toBe('offline');
    expect(h.isOnline()).toBe(false);
  });

  it('takes the first STATE whatever its timestamp, then ignores older ones, online or offline', () => {
    const { h } = host();
    expect(h.take(state(false, 5000))).toBeUndefined();
    // The host's birth published before its own late will: an older online STATE.
    expect(h.take(state(true, 4000))).toBeUndefined();
    expect(h.isOnline()).toBe(false);
    expect(h.take(state(true, 6000))).toBe('online');
    expect(h.take(state(false, 5999))).toBeUndefined();
    expect(h.isOnline()).toBe(true);
  });

  it('says why it waits, and since when', () => {
    const { h, advance } = host();
    expect(h.waiting()).toEqual({
      since: 1_000_000,
      error:
        'Sparkplug: waiting for primary host scada-1 to be online (no STATE from it yet on spBv1.0/STATE/scada-1); no NBIRTH until it is',
    });
    h.take(state(true, 1));
    expect(h.waiting()).toBeUndefined();
    advance(500);
    h.take(state(false, 2));
    expect(h.waiting()).toEqual({
      since: 1_000_500,
      error:
        'Sparkplug: waiting for primary host scada-1 to be online (its STATE says offline on spBv1.0/STATE/scada-1); no NBIRTH until it is',
    });
  });

  it('refuses a bad STATE without changing the state, one line a minute with how many were not said', () => {
    const { h, warned, advance } = host();
    h.take(state(true, 10));
    for (let i = 0; i < 100; i++) expect(h.take(Buffer.from('{"online":false}'))).toBeUndefined();
    expect(h.isOnline()).toBe(true);
    advance(60_000);
    h.take(Buffer.from('garbage'));
    expect(warned).toEqual([
      'Sparkplug: refused a STATE on spBv1.0/STATE/scada-1: not {"online": true or false, "timestamp": ms since the epoch (a whole number)}; the host\'s state is left as it was',
      "Sparkplug: refused a STATE on spBv1.0/STATE/scada-1: not JSON (Unexpected token 'g', \"garbage\" is not valid JSON); the host's state is left as it was (and 99 refused unlogged before it)",
    ]);
  });
});
