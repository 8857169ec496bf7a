/**
 * When the edge node births and leaves (birth-gate.ts): at each connection without a primary host; with one, only
 * once its STATE says online, leaving when it says offline while born; what /api/status says meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { BirthGate, type NodeSession } from '../../../src/sinks/sparkplug/birth-gate.js';
import type { Logger } from '../../../src/telemetry/logger.js';

const state = (online: boolean, timestamp: number) => Buffer.from(JSON.stringify({ online, timestamp }));
const COMMANDS = ['spBv1.0/g/NCMD/n', 'spBv1.0/g/DCMD/n/+'];
const DOWN = { since: 5, error: 'Sparkplug broker mqtt://127.0.0.1:1: connection lost' };
const WAITING_NO_STATE =
  'Sparkplug: waiting for primary host scada-1 to be online (no STATE from it yet on spBv1.0/STATE/scada-1); no NBIRTH until it is';
const WAITING_OFFLINE =
  'Sparkplug: waiting for primary host scada-1 to be online (its STATE says offline on spBv1.0/STATE/scada-1); no NBIRTH until it is';

/** Subscribed on an open connection, not born. */
const ready: NodeSession = { subscribed: true, connected: true, born: false, closed: false };
const born: NodeSession = { ...ready, born: true };

function gate(hostId: string | undefined) {
  const lines: string[] = [];
  const say = (_: unknown, line: string) => lines.push(line);
  const logger = { info: say, warn: say } as unknown as Logger;
  let now = 1_000;
  const g = new BirthGate(hostId, logger, () => now);
  return { g, lines, advance: (ms: number) => void (now += ms) };
}

describe('BirthGate without a primary host', () => {
  it('subscribes to the commands only, births at each connection, and says why the broker is away', () => {
    const { g, lines } = gate(undefined);
    expect(g.topics(COMMANDS)).toEqual(COMMANDS);
    expect(g.isHostState('spBv1.0/STATE/scada-1')).toBe(false);
    expect(g.mayBirth()).toBe(true);
    expect(g.take(state(false, 1), born)).toBeUndefined();
    expect(g.notBorn(true, DOWN)).toBe(DOWN);
    expect(lines).toEqual([]);
  });
});

describe('BirthGate with a primary host', () => {
  it("subscribes to the host's STATE too, and waits for it, saying so", () => {
    const { g, lines } = gate('scada-1');
    expect(g.topics(COMMANDS)).toEqual([...COMMANDS, 'spBv1.0/STATE/scada-1']);
    expect(g.isHostState('spBv1.0/STATE/scada-1')).toBe(true);
    expect(g.isHostState('spBv1.0/g/NCMD/n')).toBe(false);
    expect(g.mayBirth()).toBe(false);
    expect(lines).toEqual([WAITING_NO_STATE]);
    // /api/status: the host, once subscribed (the STATE can come); the broker's trouble before.
    expect(g.notBorn(true, DOWN)).toEqual({ since: 1_000, error: WAITING_NO_STATE });
    expect(g.notBorn(false, DOWN)).toBe(DOWN);
  });

  it('births when the host comes online on a subscribed open connection, not before, not twice', () => {
    for (const node of [
      { ...ready, subscribed: false },
      { ...ready, connected: false },
      { ...ready, closed: true },
      born,
    ]) {
      const { g } = gate('scada-1');
      expect(g.take(state(true, 10), node)).toBeUndefined();
      // The next connection births at once: the host is online.
      expect(g.mayBirth()).toBe(true);
    }
    const { g } = gate('scada-1');
    expect(g.take(state(true, 10), ready)).toEqual({ birth: 'Sparkplug primary host scada-1 online' });
    expect(g.take(state(true, 11), ready)).toBeUndefined();
    expect(g.notBorn(true, DOWN)).toBe(DOWN);
  });

  it('leaves when the host goes offline while born, saying so, and says it waits since then', () => {
    const { g, lines, advance } = gate('scada-1');
    g.take(state(true, 10), ready);
    advance(500);
    expect(g.take(state(false, 20), born)).toBe('leave');
    expect(g.leaving()).toEqual({ since: 1_500, error: WAITING_OFFLINE });
    expect(lines.at(-1)).toBe(
      'Sparkplug: primary host scada-1 offline: the node publishes its NDEATH and disconnects, and births again once the host is online',
    );
    expect(g.mayBirth()).toBe(false);
    expect(g.notBorn(true, DOWN)).toEqual({ since: 1_500, error: WAITING_OFFLINE });
  });

  it('does not leave on an offline STATE while not born, nor on one older than the last taken', () => {
    const notBorn = gate('scada-1');
    notBorn.g.take(state(true, 10), born);
    expect(notBorn.g.take(state(false, 20), ready)).toBeUndefined();
    expect(notBorn.g.mayBirth()).toBe(false);

    const stale = gate('scada-1');
    stale.g.take(state(true, 10), ready);
    expect(stale.g.take(state(false, 9), born)).toBeUndefined();
    expect(stale.g.mayBirth()).toBe(true);
  });
});
