/**
 * The hold at the model's largest normal score across a restart: an asset's pipeline journals its alarm in a real
 * local store (a SQLite file), as the gateway wires it, and a fresh store and pipeline on the same file take back how
 * long the score had been seen at or below the clear level: the hold goes on from there, without the time the gateway
 * was stopped, instead of starting again (a window span of hours on a slow plant). The model is the small pure one of
 * the probation tests, its score the sample's value: threshold 1, clear level 0.6, largest normal score 0.4.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetSchema, localStoreSchema } from '../../src/config/schema.js';
import type { AlarmEvent, Sample } from '../../src/core/types.js';
import { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { SqliteStore } from '../../src/sinks/local/sqlite-store.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { openStore } from '../helpers/journal-left.js';
import { pumpModel } from '../helpers/pump-model.js';

/** No on or off delay; a sustain time (the hold's bound) of 10 s. Samples every 200 ms, the model's period. */
const ASSET = { name: 'pump-1', model: 'unused', alarm: { on_delay_ms: 0, off_delay_ms: 0, sustain_ms: 10_000 } };

/** A pipeline of pump-1 that journals its alarm in `store` as the gateway does: its transitions and its hold. */
function pipelineOn(store: SqliteStore, asset: object = ASSET) {
  const alarms: AlarmEvent[] = [];
  const pipeline = new AssetPipeline(
    assetSchema.parse(asset),
    pumpModel('1.0.0', 1, { offThreshold: 0.6, clearThreshold: 0.4 }),
    {
      onScores: (scores) => store.write({ samples: [], scores, alarms: [] }),
      onAlarm: (a) => {
        alarms.push(a);
        store.write({ samples: [], scores: [], alarms: [a] });
      },
      onParts: () => {},
      onAlarmHold: (h) => store.write({ samples: [], scores: [], alarms: [], alarmHolds: [h] }),
    },
    { logger: silentLogger(), metrics: new GatewayMetrics() },
  );
  /** Samples of `value` every 200 ms from `from` to `to` (included), scored. */
  const feed = async (from: number, to: number, value: number) => {
    for (let ts = from; ts <= to; ts += 200) pipeline.push([sample(ts, value)]);
    await pipeline.idle();
  };
  return { pipeline, alarms, feed };
}

const sample = (ts: number, value: number): Sample => ({
  source: 'plc',
  asset: 'pump-1',
  channel: 'a',
  ts,
  value,
  quality: 'good',
});

/** Restores the alarm from the journal, as the gateway does at start. */
function restored(store: SqliteStore, asset: object = ASSET) {
  const run = pipelineOn(store, asset);
  for (const last of store.lastAlarmStates()) run.pipeline.restoreAlarm(last);
  return run;
}

const newStorePath = async () => join(await mkdtemp(join(tmpdir(), 'lw-hold-')), 'store.db');

describe('the hold across a restart', () => {
  it('goes on from the count the last run reached, without the time the gateway was stopped', async () => {
    const path = await newStorePath();
    const before = await openStore(path);
    const first = pipelineOn(before);
    await first.feed(1000, 1000, 2); // raised
    await first.feed(1200, 7200, 0.5); // below the clear level, above the largest normal score: held, 6 s counted
    expect(first.alarms.map((a) => a.state)).toEqual(['unack_active']);
    await before.close(); // a deploy

    // An hour later.
    const after = await openStore(path);
    try {
      expect(after.lastAlarmStates()).toEqual([
        expect.objectContaining({ state: 'unack_active', hold: { ms: 6000, ts: 7200 } }),
      ]);
      const second = restored(after);
      expect(second.pipeline.status().alarm).toMatchObject({ state: 'unack_active', conditionActive: true });
      // 4 s more at 0.5 make the sustain time: 3_600_000 counts from there, 3_604_000 settles.
      await second.feed(3_600_000, 3_603_800, 0.5);
      expect(second.alarms).toEqual([]);
      await second.feed(3_604_000, 3_604_000, 0.5);
      expect(second.alarms).toEqual([
        expect.objectContaining({ previous: 'unack_active', state: 'rtn_unack', ts: 3_604_000 }),
      ]);
      expect(second.alarms[0].message).toContain('at or below its clear level 0.600 for 10000 ms');
    } finally {
      await after.close();
    }
  });

  it('starts the hold again where the score went above the clear level before the restart', async () => {
    const path = await newStorePath();
    const before = await openStore(path);
    const first = pipelineOn(before);
    await first.feed(1000, 1000, 2);
    await first.feed(1200, 7200, 0.5);
    await before.flush(); // 6 s counted, on disk
    await first.feed(7400, 7400, 0.7); // above the clear level: the count starts again
    await before.close();

    const after = await openStore(path);
    try {
      expect(after.lastAlarmStates()[0]).not.toHaveProperty('hold');
      const second = restored(after);
      await second.feed(3_600_000, 3_609_800, 0.5);
      expect(second.alarms).toEqual([]);
      await second.feed(3_610_000, 3_610_000, 0.5);
      expect(second.alarms).toEqual([expect.objectContaining({ state: 'rtn_unack', ts: 3_610_000 })]);
    } finally {
      await after.close();
    }
  });

  it('journals the count with the transition of the same score: a crash after the commit leaves no stale count', async () => {
    const path = await newStorePath();
    // No flush before the end of the test: only the transitions' group commit writes.
    const store = new SqliteStore(localStoreSchema.parse({ path }), {
      logger: silentLogger(),
      metrics: new GatewayMetrics(),
      flushIntervalMs: 3_600_000,
    });
    await store.start();
    const reader = await openStore(path); // what a restart after a crash would read
    try {
      const run = pipelineOn(store);
      await run.feed(1000, 1000, 2);
      await store.journaled();
      await run.feed(1200, 5000, 0.5); // 3800 ms counted, in memory only
      await store.flush();
      expect(reader.lastAlarmStates()[0]).toMatchObject({ state: 'unack_active', hold: { ms: 3800, ts: 5000 } });
      // Held to 11_200, then settled: the clearing and the end of the count are on disk together.
      await run.feed(5200, 11_200, 0.5);
      await store.journaled();
      expect(run.alarms.map((a) => a.state)).toEqual(['unack_active', 'rtn_unack']);
      expect(reader.lastAlarmStates()).toEqual([expect.objectContaining({ state: 'rtn_unack' })]);
      expect(reader.lastAlarmStates()[0]).not.toHaveProperty('hold');
    } finally {
      await reader.close();
      await store.close();
    }
  });

  it('takes a re-raise out of rtn_unack as a new activation: since, and the bound on a restored count, start there', async () => {
    const path = await newStorePath();
    const before = await openStore(path);
    const first = pipelineOn(before);
    await first.feed(1000, 1000, 2); // raised
    await first.feed(1200, 11_200, 0.5); // held for the sustain time: returned to normal, unacknowledged
    await first.feed(11_400, 11_400, 2); // raised again, not acknowledged in between
    expect(first.alarms.map((a) => [a.state, a.ts])).toEqual([
      ['unack_active', 1000],
      ['rtn_unack', 11_200],
      ['unack_active', 11_400],
    ]);
    // actual: 1000, the raise before the return to normal.
    expect(first.pipeline.status().alarm).toMatchObject({ state: 'unack_active', since: 11_400 });
    await before.close();

    const after = await openStore(path);
    try {
      expect(after.lastAlarmStates()).toEqual([expect.objectContaining({ state: 'unack_active', since: 11_400 })]);
      expect(restored(after).pipeline.status().alarm).toMatchObject({ state: 'unack_active', since: 11_400 });
    } finally {
      await after.close();
    }
  });

  /** pump-1 with an off delay of 5 s, on a new store: raised at 1000, then 4 s of it seen below 0.4 by 5200. */
  const OFF_DELAY_ASSET = { ...ASSET, alarm: { ...ASSET.alarm, off_delay_ms: 5000 } };
  async function clearingRun() {
    const path = await newStorePath();
    const before = await openStore(path);
    const first = pipelineOn(before, OFF_DELAY_ASSET);
    await first.feed(1000, 1000, 2);
    await first.feed(1200, 5200, 0.3);
    expect(first.alarms.map((a) => a.state)).toEqual(['unack_active']);
    return { path, before, first };
  }

  it('goes on with the off delay from the time counted below where the alarm clears, not from zero', async () => {
    // Regression: the off delay (here 5 s) started again after a restart; the score had been below the largest normal
    // score (0.4) for 4 s, and the alarm stayed active 5 s more instead of 1 s.
    const { path, before } = await clearingRun();
    await before.close();

    const after = await openStore(path);
    try {
      expect(after.lastAlarmStates()).toEqual([
        expect.objectContaining({ state: 'unack_active', hold: { ms: 4000, ts: 5200, belowMs: 4000 } }),
      ]);
      const second = restored(after, OFF_DELAY_ASSET);
      // The first score after the restart counts none of the downtime; 1 s more seen below makes the off delay.
      await second.feed(3_600_000, 3_600_800, 0.3);
      expect(second.alarms).toEqual([]);
      await second.feed(3_601_000, 3_601_000, 0.3);
      // actual before the fix: nothing yet (cleared at 3_605_000).
      expect(second.alarms).toEqual([
        expect.objectContaining({ previous: 'unack_active', state: 'rtn_unack', ts: 3_601_000 }),
      ]);
      expect(second.alarms[0].message).toBe(
        'pump-1: anomaly score back below 0.400 for 5000 ms (unack_active → rtn_unack)',
      );
    } finally {
      await after.close();
    }
  });

  it('keeps no off delay count where the score went back above where the alarm clears before the restart', async () => {
    const { path, before, first } = await clearingRun();
    await before.flush(); // 4 s of the off delay counted, on disk
    await first.feed(5400, 5400, 0.5); // above 0.4 (at or below the clear level 0.6): the off delay starts again
    await before.close();

    const after = await openStore(path);
    try {
      expect(after.lastAlarmStates()).toEqual([
        expect.objectContaining({ state: 'unack_active', hold: { ms: 4200, ts: 5400 } }),
      ]);
      const second = restored(after, OFF_DELAY_ASSET);
      await second.feed(3_600_000, 3_604_800, 0.3);
      expect(second.alarms).toEqual([]);
      await second.feed(3_605_000, 3_605_000, 0.3);
      expect(second.alarms).toEqual([expect.objectContaining({ state: 'rtn_unack', ts: 3_605_000 })]);
    } finally {
      await after.close();
    }
  });
});
