/**
 * Regression (helper h4): one failed Modbus read (here an exception answer; a timeout or a dropped connection gives
 * the same samples) made every window row incomplete until the register's next good read: its tags got bad samples
 * and the hold rule never holds past a bad sample, although the gateway holds a reading not polled for
 * max_sample_age_ms. A failed read is now no sample for the windows (`failedRead`): the last good reading holds, while
 * linewatch_samples_total still counts it bad and the device's issue still names the read. Against a real Modbus TCP
 * server (register-plc.ts), the source's stamps from an injected clock one second a poll; no sleeps: each step waits
 * for the source's batch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { localModbusTcp } from '../../helpers/local-modbus-source.js';
import type { Sample } from '../../../src/core/types.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { AssetWindows, type AssetWindowOutcome } from '../../../src/windows/asset-windows.js';
import { windowSchema } from '../../../src/windows/schema.js';
import { polledBatches } from '../../helpers/polled-batches.js';
import { startRegisterPlc } from '../../helpers/register-plc.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The stamp of poll k: one a second from T0. */
const T0 = Date.UTC(2026, 0, 1);

/**
 * A PLC holding `a` at 0 and `b` at 5 (two reads), polled by a source whose clock moves a second after each batch;
 * `b`'s register refused (exception 2) at the polls in `refusedAt`. Resolves with `polls` batches.
 */
async function poll(polls: number, refusedAt: ReadonlySet<number>) {
  const holding = new Map([
    [0, 1],
    [5, 10],
  ]);
  const plc = await startRegisterPlc(holding);
  cleanups.push(() => plc.close());
  let clock = T0;
  const metrics = new GatewayMetrics();
  const logs: string[] = [];
  const logger = createLogger('warn', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream);
  const source = new ModbusSource(
    localModbusTcp(plc.port, {
      asset: 'press-1',
      poll_interval_ms: 10,
      timeout_ms: 2000,
      registers: [
        { channel: 'a', address: 0, type: 'uint16' },
        { channel: 'b', address: 5, type: 'uint16' },
      ],
    }),
    { logger, metrics, now: () => clock },
  );
  const setUp = (k: number) => {
    if (refusedAt.has(k)) holding.delete(5);
    else holding.set(5, 10 + k);
    holding.set(0, 1 + k);
  };
  setUp(0);
  const batches = await polledBatches(
    source,
    polls,
    (n) => {
      clock += 1000;
      setUp(n);
    },
    cleanups,
  );
  const bad = (await metrics.samples.get()).values.find((v) => v.labels.quality === 'bad')?.value ?? 0;
  const refusals = (await metrics.sourceErrors.get()).values.find((v) => v.labels.kind === 'DEVICE_EXCEPTION')?.value;
  return { batches, bad, refusals, logs };
}

/** Each outcome shortly: a window's rows of channel b, or why it is incomplete. */
function outcomes(batches: readonly Sample[][], align: 'hold' | 'batch'): (number[] | string)[] {
  const settings = windowSchema.parse({ align, max_sample_age_ms: 2500 });
  const windows = new AssetWindows('press-1', ['a', 'b'], 3, settings, 1000);
  return batches
    .flatMap((b) => windows.push(b))
    .map((o: AssetWindowOutcome) =>
      o.kind === 'window' ? Array.from({ length: 3 }, (_, t) => o.window.data[t * 2 + 1]) : `incomplete: ${o.why}`,
    );
}

describe('a Modbus read that fails between good reads (regression: h4, rows incomplete until the next good read)', () => {
  it.each(['hold', 'batch'] as const)(
    'align %s: the last good reading is held, every window complete; the failed read still counted and told',
    async (align) => {
      const { batches, bad, refusals, logs } = await poll(6, new Set([2]));
      expect(
        batches.map((b) => b.map((s) => `${s.channel} ${s.quality}${s.failedRead ? ' (failed read)' : ''}`)),
      ).toEqual([
        ['a good', 'b good'],
        ['a good', 'b good'],
        ['a good', 'b bad (failed read)'],
        ['a good', 'b good'],
        ['a good', 'b good'],
        ['a good', 'b good'],
      ]);
      // b: 10, 11, (failed: 11 held), 13, 14, 15. hold: a grid time is final once a later sample came.
      const held = [
        [10, 11, 11],
        [11, 11, 13],
        [11, 13, 14],
        [13, 14, 15],
      ];
      expect(outcomes(batches, align)).toEqual(align === 'hold' ? held.slice(0, 3) : held);
      expect([bad, refusals]).toEqual([1, 1]);
      expect(logs.join('')).toContain(
        'read holding registers 5..5 (40006..40006): illegal data address (Modbus exception 2)',
      );
    },
  );

  it('failing longer than max_sample_age_ms: the rows from then on are incomplete, b stale', async () => {
    const { batches, bad } = await poll(7, new Set([2, 3, 4, 5, 6]));
    expect(bad).toBe(5);
    // b's last good reading (11, at 1 s) holds at 2 s and 3 s, not at 4 s (3 s old, over 2.5 s).
    expect(outcomes(batches, 'batch')).toEqual([
      [10, 11, 11],
      [11, 11, 11],
      'incomplete: b stale',
      'incomplete: b stale',
      'incomplete: b stale',
    ]);
  });
});
