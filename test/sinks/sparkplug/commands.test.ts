/**
 * Rebirth commands from the broker are hostile too (commands.ts): a publisher looping on `Node Control/Rebirth` (a few
 * dozen bytes each) made the edge node publish every device's births, and log a line, for each one. Now at most one
 * rebirth a second: those asked for within it are answered by one rebirth at its end.
 */
import sparkplugPayload from 'sparkplug-payload';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
