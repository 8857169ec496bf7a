/**
 * Regression (walker w2): a historian bridge that sends `null` (or leaves the field out) for a missed sample made no
 * window complete: the MQTT source gave that tag a bad sample, the hold rule does not hold past a bad sample, and one
 * such cell in every 32 rows left every window incomplete (windowsScored 0, windowsIncomplete 88). Now a value missing
 * or null is no sample of its tag: the others in the message are read, the window holds its last reading up to
 * max_sample_age_ms, and the source says it once per topic and field. Against a real mosquitto, with the asset's real
 * windows (align hold and batch), on stamps a year old as a replay sends them. No sleeps: each wait is for a batch.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import { mqttSourceSchema } from '../../../src/sources/mqtt/schema.js';
import { startMosquitto } from '../../../src/testing/mosquitto.js';
import { logLines } from '../../helpers/log-lines.js';
import { startedMqttSource } from '../../helpers/started-mqtt-source.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { AssetWindows, type AssetWindowOutcome } from '../../../src/windows/asset-windows.js';
import { windowSchema } from '../../../src/windows/schema.js';

const broker = suiteServer(startMosquitto);
/** The messages' own times: a year before the test runs, one a second. */
const T0 = Date.UTC(2025, 11, 1);
/** The gateway's clock, the test's: a year after T0. */
const NOW = T0 + 365 * 86_400_000;
const CHANNELS = ['a', 'b', 'c'];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A source on the suite's broker for `topic` (fields values.a, .b, .c; stamps in ts), started; its batches. */
async function historianSource(topic: string) {
  const log = logLines();
  const config = mqttSourceSchema.parse({
    name: 'historian',
    type: 'mqtt',
    url: broker().url,
    asset: 'unit-1',
    tags: CHANNELS.map((c) => ({ channel: c, topic, field: `values.${c}`, timestamp_field: 'ts' })),
  });
  const { source, batches, seen, publisher } = await startedMqttSource(config, log, () => NOW, cleanups);
  return {
    source,
    log,
    /**
     * Publishes `rows` (a value per channel: undefined leaves it out), one a second from T0 (the first `from` seconds
     * after it); resolves with all the batches so far once theirs came.
     */
    async publish(rows: readonly (readonly (number | null | undefined)[])[], from = 0): Promise<Sample[][]> {
      const expected = batches.length + rows.length;
      for (const [k, row] of rows.entries()) {
        const values = Object.fromEntries(CHANNELS.map((c, i) => [c, row[i]]));
        const ts = new Date(T0 + (from + k) * 1000).toISOString();
        await publisher.publishAsync(topic, JSON.stringify({ ts, values }), { qos: 1 });
      }
      while (batches.length < expected) await once(seen, 'batch');
      return batches;
    },
  };
}

/** The outcomes of an asset's windows (4 rows, a window every row, period 1 s) fed `batches`. */
function windowsOf(batches: readonly Sample[][], align: 'hold' | 'batch'): readonly AssetWindowOutcome[] {
  const settings = windowSchema.parse({ align, max_sample_age_ms: 2500 });
  const windows = new AssetWindows('unit-1', CHANNELS, 4, settings, 1000);
  return batches.flatMap((b) => windows.push(b));
}

/** Each outcome in short: a window's rows of channel b, or why it is incomplete. */
const shortly = (outcomes: readonly AssetWindowOutcome[]) =>
  outcomes.map((o) =>
    o.kind === 'window' ? Array.from({ length: 4 }, (_, t) => o.window.data[t * 3 + 1]) : `incomplete: ${o.why}`,
  );

/** Eight rows: b null in the 4th, c left out of the 6th. */
const ROWS = [
  [0, 10, 20],
  [1, 11, 21],
  [2, 12, 22],
  [3, null, 23],
  [4, 14, 24],
  [5, 15, undefined],
  [6, 16, 26],
  [7, 17, 27],
];

describe('an MQTT message with a value null or missing (regression: w2, no window complete)', () => {
  it.each(['hold', 'batch'] as const)(
    'align %s: the other tags read, the value held, every window complete',
    async (align) => {
      const h = await historianSource(`t/hist-${align}/unit-1`);
      const batches = await h.publish(ROWS);
      expect(batches.map((b) => b.map((s) => `${s.channel} ${s.quality}`).join(', '))).toEqual([
        'a good, b good, c good',
        'a good, b good, c good',
        'a good, b good, c good',
        'a good, c good',
        'a good, b good, c good',
        'a good, b good',
        'a good, b good, c good',
        'a good, b good, c good',
      ]);
      // hold: a row is final once a later sample came, so the last message's row is not yet out.
      const held = [
        [10, 11, 12, 12],
        [11, 12, 12, 14],
        [12, 12, 14, 15],
        [12, 14, 15, 16],
        [14, 15, 16, 17],
      ];
      expect(shortly(windowsOf(batches, align))).toEqual(align === 'hold' ? held.slice(0, 4) : held);
      expect(h.log.at(40)).toEqual([
        expect.stringContaining(
          `t/hist-${align}/unit-1: field values.b is null: no sample of channel b from these messages`,
        ),
        expect.stringContaining(
          `t/hist-${align}/unit-1: field values.c is missing: no sample of channel c from these messages`,
        ),
      ]);
    },
  );

  it('a value absent longer than max_sample_age_ms: the rows from then on are incomplete, said once, and in tagIssues', async () => {
    const h = await historianSource('t/hist-stale/unit-1');
    const rows = [
      [0, 10, 20],
      [1, 11, 21],
      [2, 12, 22],
      [3, 13, 23],
      [4, null, 24],
      [5, null, 25],
      [6, null, 26],
      [7, null, 27],
    ];
    await h.publish(rows);
    expect(h.source.tagIssues()).toEqual([
      `t/hist-stale/unit-1: field values.b null in 4 message(s) since ${new Date(NOW).toISOString()}: channel b has no new sample`,
    ]);
    const outcomes = shortly(windowsOf(await h.publish([[8, 18, 28]], rows.length), 'hold'));
    expect(outcomes).toEqual([
      [10, 11, 12, 13],
      [11, 12, 13, 13],
      [12, 13, 13, 13],
      'incomplete: b stale',
      'incomplete: b stale',
    ]);
    expect(h.log.at(40)).toHaveLength(1);
    // The value back: the absence is over.
    expect(h.source.tagIssues()).toEqual([]);
  });
});
