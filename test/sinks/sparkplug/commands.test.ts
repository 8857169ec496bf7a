/**
 * Rebirth commands from the broker are hostile too (commands.ts): a publisher looping on `Node Control/Rebirth` (a few
 * dozen bytes each) made the edge node publish every device's births, and log a line, for each one. Now at most one
 * rebirth a second: those asked for within it are answered by one rebirth at its end.
 */
import sparkplugPayload from 'sparkplug-payload';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandGate } from '../../../src/sinks/sparkplug/command-gate.js';
import { SparkplugCommands } from '../../../src/sinks/sparkplug/commands.js';
import type { Logger } from '../../../src/telemetry/logger.js';

const codec = sparkplugPayload.get('spBv1.0')!;
const NCMD = 'spBv1.0/plant-line/NCMD/gw';
const rebirthPayload = () =>
  Buffer.from(
    codec.encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
    }),
  );

beforeEach(() => void vi.useFakeTimers({ now: Date.UTC(2026, 11, 7, 9) }));
afterEach(() => void vi.useRealTimers());

function commands() {
  const lines: string[] = [];
  const logger = { info: (_: unknown, line: string) => lines.push(line), warn: () => {} } as unknown as Logger;
  let rebirths = 0;
  const c = new SparkplugCommands(NCMD, logger, () => void rebirths++, Date.now);
  return { c, lines, rebirths: () => rebirths };
}

describe('SparkplugCommands: Rebirth', () => {
  it('answers the first at once and those within the next second by one rebirth at its end', () => {
    const { c, lines, rebirths } = commands();
    c.take(NCMD, rebirthPayload());
    expect(rebirths()).toBe(1);
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(10);
      c.take(NCMD, rebirthPayload());
    }
    expect(rebirths()).toBe(1);
    vi.advanceTimersByTime(499);
    expect(rebirths()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(rebirths()).toBe(2);
    expect(lines).toEqual([
      'Sparkplug: Rebirth asked for: NBIRTH and DBIRTHs again',
      'Sparkplug: Rebirth asked for: NBIRTH and DBIRTHs again (50 Rebirths asked for within 1000 ms: one)',
    ]);
    // A second after the last, the next is answered at once again.
    vi.advanceTimersByTime(1000);
    c.take(NCMD, rebirthPayload());
    expect(rebirths()).toBe(3);
  });

  it('makes no rebirth that waited once the node is closed', () => {
    const { c, rebirths } = commands();
    c.take(NCMD, rebirthPayload());
    c.take(NCMD, rebirthPayload());
    c.close();
    vi.advanceTimersByTime(5000);
    expect(rebirths()).toBe(1);
  });
});

describe('SparkplugCommands: dropped undecoded', () => {
  it('counts each command dropped and says them at most one line a minute, with how many were not said', () => {
    const warned: string[] = [];
    const logger = { info: () => {}, warn: (_: unknown, line: string) => warned.push(line) } as unknown as Logger;
    const counted: string[] = [];
    const gate = new CommandGate(Date.now, Date.now);
    const c = new SparkplugCommands(
      NCMD,
      logger,
      () => {},
      Date.now,
      gate,
      (reason) => counted.push(reason),
    );
    for (let i = 0; i < 5; i++) c.take(NCMD, Buffer.alloc(60_000, 0x0a));
    vi.advanceTimersByTime(60_000);
    c.take(`${NCMD}/x`, Buffer.alloc(5000));
    expect(counted).toEqual(Array(6).fill('too_large'));
    expect(warned).toEqual([
      'Sparkplug: dropped a command on spBv1.0/plant-line/NCMD/gw undecoded: 60000 bytes, over 4096',
      'Sparkplug: dropped a command on spBv1.0/plant-line/NCMD/gw/x undecoded: 5000 bytes, over 4096 (and 4 dropped unlogged before it)',
    ]);
    expect(gate.dropped()).toEqual({ tooLarge: 6, overBudget: 0, lastAt: Date.now() });
  });
});

describe('SparkplugCommands: refused writes', () => {
  it('logs each refusal once, and past 256 different ones that the others are not, once', () => {
    const warned: string[] = [];
    const logger = { info: () => {}, warn: (_: unknown, line: string) => warned.push(line) } as unknown as Logger;
    // A gate whose clock stands still: every command is handled (the budget is command-gate.test.ts's).
    const c = new SparkplugCommands(NCMD, logger, () => {}, Date.now, new CommandGate(() => 0, Date.now));
    const write = (name: string) =>
      Buffer.from(codec.encodePayload({ timestamp: 1, metrics: [{ name, type: 'Double', value: 1 }] }));
    for (let i = 0; i < 260; i++) c.take(`${NCMD}/x`, write(`m${i}`));
    c.take(`${NCMD}/x`, write('m0'));
    expect(warned).toHaveLength(257);
    expect(warned[0]).toBe(
      'Sparkplug: refused a command on spBv1.0/plant-line/NCMD/gw/x: a write of m0: linewatch takes no writes from the broker, only Node Control/Rebirth',
    );
    expect(warned[256]).toBe(
      'Sparkplug: 256 different commands refused and logged; the others are refused without a line (a publisher looping on commands?)',
    );
  });
});
