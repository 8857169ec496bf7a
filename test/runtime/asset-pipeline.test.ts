/**
 * One asset's pipeline in process: samples → windows → model → results, alarm and part verdicts.
 * The model here is a small pure one (score = mean of the window), so every expected figure is
 * known; a gate on it injects a slow model for the drop-oldest policy, a failure a broken one.
 */
import { describe, expect, it } from 'vitest';
import { assetSchema } from '../../src/config/schema.js';
import type { Model } from '../../src/core/components.js';
import type { AlarmEvent, PartResult, Sample, ScoreResult, Window } from '../../src/core/types.js';
import { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { silentLogger, type Logger } from '../../src/telemetry/logger.js';
import { logLines } from '../helpers/log-lines.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { meanScore } from '../helpers/mean-score.js';

const CHANNELS = ['a', 'b'];

/** Scores a window by the mean of its values; threshold 1, clearing at 0.8. */
class MeanModel implements Model {
  readonly name = 'mean';
  readonly channels = CHANNELS;
  readonly windowLength = 3;
  readonly samplePeriodMs = 100;
  readonly threshold = 1;
  runs: Window[][] = [];
  /** Fault injection: while set, runs wait for it (a model slower than the line). */
  gate: Promise<void> | undefined;
  /** Fault injection: while set, runs reject with it (a broken inference session). */
  failure: Error | undefined;
  closed = false;
  constructor(readonly version = '1.0.0') {}
  async score(windows: readonly Window[]): Promise<ScoreResult[]> {
    this.runs.push([...windows]);
    await this.gate;
    if (this.failure) throw this.failure;
    return windows.map((w) => {
      return {
        ...meanScore(w, this),
        offThreshold: 0.8,
        contributions: [
          { channel: 'b', share: 0.75 },
          { channel: 'a', share: 0.25 },
        ],
        ...(w.partId !== undefined ? { partId: w.partId } : {}),
      };
    });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup(
  asset: Record<string, unknown> = {},
  options: { maxQueuedWindows?: number; model?: MeanModel; now?: () => number; logger?: Logger } = {},
) {
  const config = assetSchema.parse({ name: 'pump-1', model: 'unused', ...asset });
  const model = options.model ?? new MeanModel();
  const metrics = new GatewayMetrics();
  const scores: ScoreResult[] = [];
  const parts: PartResult[] = [];
  const alarms: AlarmEvent[] = [];
  const pipeline = new AssetPipeline(
    config,
    model,
    { onScores: (s) => scores.push(...s), onAlarm: (a) => alarms.push(a), onParts: (p) => parts.push(...p) },
    {
      logger: options.logger ?? silentLogger(),
      metrics,
      ...(options.maxQueuedWindows ? { maxQueuedWindows: options.maxQueuedWindows } : {}),
      ...(options.now ? { now: options.now, wall: options.now } : {}),
    },
  );
  return { pipeline, model, metrics, scores, parts, alarms };
}

/** One source poll at `ts`: every channel with `value` (and `extra` channels, e.g. a cycle trigger). */
function poll(ts: number, value: number, extra: Record<string, number> = {}): Sample[] {
  const values = { ...Object.fromEntries(CHANNELS.map((c) => [c, value])), ...extra };
  return Object.entries(values).map(([channel, v]) => ({
    source: 'plc',
    asset: 'pump-1',
    channel,
    ts,
    value: v,
    quality: 'good' as const,
  }));
}

/** A cycle asset's pipeline (threshold 0.5, min 3 samples), and a press making parts 100 ms a sample. */
function cycleSetup(
  asset: Record<string, unknown> = {},
  options: { maxQueuedWindows?: number; model?: MeanModel } = {},
) {
  const setUp = setup(
    { window: { type: 'cycle', trigger_channel: 'running', min_samples: 3, ...asset }, alarm: { threshold: 0.5 } },
    options,
  );
  let ts = 0;
  /** One part: idle, `rows` samples of `value` while running (a cycle of (rows - 1) × 100 ms), idle. */
  const cycle = (value: number, rows = 4, extra: Record<string, number> = {}) => {
    setUp.pipeline.push(poll((ts += 100), 0, { running: 0, ...extra }));
    for (let k = 0; k < rows; k++) setUp.pipeline.push(poll((ts += 100), value, { running: 1, ...extra }));
    setUp.pipeline.push(poll((ts += 100), 0, { running: 0, ...extra }));
  };
  return { ...setUp, cycle };
}

describe('AssetPipeline', () => {
  it("judges windows against the model's threshold, or the asset's own, keeping the on/off ratio", async () => {
    const own = setup({ alarm: { threshold: 0.5 } });
    const plain = setup();
    for (let t = 1; t <= 3; t++) {
      own.pipeline.push(poll(t * 100, 0.75));
      plain.pipeline.push(poll(t * 100, 0.75));
    }
    await own.pipeline.idle();
    await plain.pipeline.idle();
    expect(own.scores).toHaveLength(1);
    expect(own.scores[0]).toMatchObject({ score: 0.75, threshold: 0.5, offThreshold: 0.4, anomalous: true });
    expect(plain.scores[0]).toMatchObject({ score: 0.75, threshold: 1, offThreshold: 0.8, anomalous: false });
    expect(own.pipeline.status()).toMatchObject({ windowsScored: 1, maxScore: 0.75 });
  });

  it('counts the on delay again after windows it could not score: high either side of an outage is not high since', async () => {
    const { pipeline, alarms } = setup({ alarm: { on_delay_ms: 150, sustain_ms: 0 } });
    const raisedBy = async (until: number, from: number) => {
      for (let t = from; t <= until; t += 100) pipeline.push(poll(t, t === 400 ? Number.NaN : 2));
      await pipeline.idle();
      return alarms.filter((a) => a.state === 'unack_active').map((a) => a.ts);
    };
    // 300: the first window, high. 400: no reading, so the windows ending at 400, 500 and 600 cannot be scored.
    expect(await raisedBy(700, 100)).toEqual([]);
    expect(await raisedBy(800, 800)).toEqual([]);
    // High from 700 on, in a row: raised at 900, 200 ms on, not at 700 (400 ms after the window before the outage).
    expect(await raisedBy(900, 900)).toEqual([900]);
  });

  it('scores no window over a source that went quiet (no samples at all), and counts the on delay again after it', async () => {
    const { pipeline, alarms, scores } = setup({ alarm: { on_delay_ms: 150, sustain_ms: 0 } });
    for (const t of [100, 200, 300, 60_300, 60_400, 60_500, 60_600]) pipeline.push(poll(t, 2));
    await pipeline.idle();
    // The windows ending at 60,300 and 60,400 would hold rows from before the minute without samples.
    expect(scores.map((s) => s.ts)).toEqual([300, 60_500, 60_600]);
    expect(alarms.filter((a) => a.state === 'unack_active')).toEqual([]);
    pipeline.push(poll(60_700, 2));
    await pipeline.idle();
    expect(alarms.filter((a) => a.state === 'unack_active').map((a) => a.ts)).toEqual([60_700]);
  });

  it('counts the on delay again after windows the model failed on: high either side of them is not high since', async () => {
    const model = new MeanModel();
    const { pipeline, alarms } = setup({ alarm: { on_delay_ms: 150, sustain_ms: 0 } }, { model });
    const push = async (from: number, to: number) => {
      for (let t = from; t <= to; t += 100) pipeline.push(poll(t, 2));
      await pipeline.idle();
    };
    await push(100, 300); // the first window, high
    model.failure = new Error('session lost');
    await push(400, 400); // not scored
    model.failure = undefined;
    // High again from 500: raised 200 ms on, at 700, not at 500 (200 ms after the window before the failure).
    await push(500, 600);
    expect(alarms).toEqual([]);
    await push(700, 700);
    expect(alarms.map((a) => [a.state, a.ts])).toEqual([['unack_active', 700]]);
  });

  it('drops the oldest windows when scoring falls behind, counts them and reports them as a metric', async () => {
    const model = new MeanModel();
    let open!: () => void;
    model.gate = new Promise((r) => (open = r));
    const { pipeline, metrics, scores } = setup({}, { maxQueuedWindows: 2, model });
    for (let t = 1; t <= 3; t++) pipeline.push(poll(t * 100, 0.1)); // the first window: its run waits at the gate
    await Promise.resolve();
    for (let t = 4; t <= 8; t++) pipeline.push(poll(t * 100, 0.1)); // five more windows queue behind it
    expect(pipeline.status().windowsDropped).toBe(3);
    expect((await metrics.windowsDropped.get()).values).toEqual([{ value: 3, labels: { asset: 'pump-1' } }]);
    open();
    await pipeline.idle();
    // The first window, then the two newest: windows ending at 400, 500 and 600 were dropped.
    expect(scores.map((s) => s.ts)).toEqual([300, 700, 800]);
    expect(pipeline.status().windowsScored).toBe(3);
  });

  it('gives each part a verdict by the verdict rule: pass at or below the threshold, fail above it', async () => {
    const { pipeline, parts, cycle } = cycleSetup();
    cycle(0.5);
    cycle(2);
    await pipeline.idle();
    expect(parts.map((p) => [p.partId, p.verdict, p.score, p.threshold, p.topChannels])).toEqual([
      ['1', 'pass', 0.5, 0.5, ['b', 'a']],
      ['2', 'fail', 2, 0.5, ['b', 'a']],
    ]);
    expect(pipeline.status().parts).toEqual({ pass: 1, fail: 1, unknown: 0 });
  });

  it('judges a part whose window is dropped unknown, with the reason and its cycle time', async () => {
    const model = new MeanModel();
    let open!: () => void;
    model.gate = new Promise((r) => (open = r));
    const { pipeline, parts, cycle, metrics } = cycleSetup({}, { maxQueuedWindows: 1, model });
    cycle(0.5); // part 1: its run waits at the gate
    cycle(2, 6);
    cycle(2, 5); // parts 2 and 3 are dropped in turn as the next part queues behind them
    cycle(2);
    open();
    await pipeline.idle();
    const dropped = 'its window was dropped unscored: scoring fell behind';
    expect(parts.map((p) => [p.partId, p.verdict, p.cycleMs, p.reason])).toEqual([
      ['2', 'unknown', 500, dropped],
      ['3', 'unknown', 400, dropped],
      ['1', 'pass', 300, undefined],
      ['4', 'fail', 300, undefined],
    ]);
    expect(pipeline.status()).toMatchObject({ windowsDropped: 2, parts: { pass: 1, fail: 1, unknown: 2 } });
    // The same counts on /metrics, per verdict (what a Prometheus reject-rate panel reads).
    const counted = (await metrics.parts.get()).values.map((v) => [v.labels.verdict, v.value]);
    expect(counted.sort()).toEqual([
      ['fail', 1],
      ['pass', 1],
      ['unknown', 2],
    ]);
  });

  it("judges a part unknown when the model fails on its window, with the model's error", async () => {
    const model = new MeanModel();
    model.failure = new Error('session lost');
    const { pipeline, parts, cycle } = cycleSetup({}, { model });
    cycle(2, 6);
    await pipeline.idle();
    model.failure = undefined;
    cycle(2);
    await pipeline.idle();
    expect(parts.map((p) => [p.partId, p.verdict, p.cycleMs, p.reason])).toEqual([
      ['1', 'unknown', 500, 'its window was not scored: asset pump-1: model mean failed: session lost'],
      ['2', 'fail', 300, undefined],
    ]);
    expect(pipeline.status().parts).toEqual({ pass: 0, fail: 1, unknown: 1 });
  });

  it('gives parts that share a part id (a serial tag that did not change) each its own cycle time', async () => {
    const model = new MeanModel();
    let open!: () => void;
    model.gate = new Promise((r) => (open = r));
    const { pipeline, parts, cycle } = cycleSetup({ part_id_channel: 'serial' }, { model });
    for (const rows of [4, 6, 5]) cycle(0.5, rows, { serial: 42 }); // the last two queue while the first is scored
    open();
    await pipeline.idle();
    expect(parts.map((p) => [p.partId, p.cycleMs])).toEqual([
      ['42', 300],
      ['42', 500],
      ['42', 400],
    ]);
  });

  it('swaps the model between runs and refuses one that takes other channels', async () => {
    const { pipeline, scores } = setup();
    for (let t = 1; t <= 3; t++) pipeline.push(poll(t * 100, 0.2));
    await pipeline.idle();
    const next = new MeanModel('2.0.0');
    const previous = pipeline.swapModel(next) as MeanModel;
    expect(previous.version).toBe('1.0.0');
    pipeline.push(poll(400, 0.2));
    await pipeline.idle();
    expect(scores.map((s) => s.modelVersion)).toEqual(['1.0.0', '2.0.0']);
    expect(next.runs).toHaveLength(1);
    const other = Object.assign(new MeanModel('3.0.0'), { channels: ['a', 'c'] });
    expect(() => pipeline.swapModel(other)).toThrow(
      'asset pump-1: model mean 3.0.0 takes 3×[a,c], the asset feeds 3×[a,b]',
    );
    expect(pipeline.model.version).toBe('2.0.0');
  });
});

describe('AssetPipeline: an asset whose inputs stop', () => {
  // MeanModel: 3 rows 100 ms apart, a window span of 300 ms; blind after 600 ms without a complete window.
  const blindGauge = async (metrics: GatewayMetrics) =>
    (await metrics.assetBlind.get()).values.find((v) => v.labels.asset === 'pump-1')?.value;
  const bad = (ts: number): Sample[] => poll(ts, 0).map((s) => ({ ...s, value: Number.NaN, quality: 'bad' as const }));

  it('goes blind two window spans after its last complete window, says why, and sees again with the next one', async () => {
    let now = 0;
    const { pipeline, metrics } = setup({}, { now: () => now });
    const at = (t: number, batch: Sample[]) => {
      now = t;
      pipeline.push(batch);
      pipeline.tick(now);
    };
    for (let t = 100; t <= 300; t += 100) at(t, poll(t, 0.5));
    expect([pipeline.status().blind, pipeline.status().degraded, await blindGauge(metrics)]).toEqual([
      undefined,
      undefined,
      0,
    ]);
    // The source answers with bad readings from 400 ms on.
    for (let t = 400; t <= 900; t += 100) at(t, bad(t));
    expect(pipeline.status().blind).toBeUndefined(); // 600 ms after the last complete window: not yet
    at(1000, bad(1000));
    const reason = 'its windows are incomplete: a, b bad';
    expect(pipeline.status().blind).toEqual({ since: 300, reason });
    expect(pipeline.status().degraded).toBe(`blind: ${reason}`);
    expect(await blindGauge(metrics)).toBe(1);
    // Good readings again: the first complete window (three good rows) ends it.
    for (let t = 1100; t <= 1300; t += 100) at(t, poll(t, 0.5));
    expect([pipeline.status().blind, pipeline.status().degraded, await blindGauge(metrics)]).toEqual([
      undefined,
      undefined,
      0,
    ]);
    await pipeline.idle();
  });

  it('names the channels its incomplete windows lack, as the newest one said: never read, stale, bad', async () => {
    let now = 0;
    const { pipeline } = setup({ window: { max_sample_age_ms: 150 } }, { now: () => now });
    const at = (t: number, batch: Sample[]) => {
      now = t;
      pipeline.push(batch);
      pipeline.tick(now);
    };
    // Only channel a is read (b's tag misspelt, say): blind 600 ms after the watch started.
    for (let t = 100; t <= 800; t += 100) at(t, poll(t, 0.5).slice(0, 1));
    expect(pipeline.status().blind).toEqual({ since: 100, reason: 'its windows are incomplete: b missing' });
    // b is read once, at 900 ms; at 1100 ms its value is 200 ms old.
    at(900, poll(900, 0.5));
    at(1000, poll(1000, 0.5).slice(0, 1));
    at(1100, poll(1100, 0.5).slice(0, 1));
    expect(pipeline.status().blind?.reason).toBe('its windows are incomplete: b stale');
    at(1200, [{ ...poll(1200, Number.NaN)[0], quality: 'bad' }]);
    expect(pipeline.status().blind?.reason).toBe('its windows are incomplete: b stale; a bad');
    await pipeline.idle();
  });

  it('on a time grid, logs a sample stamped far ahead of its clock, places it where it arrived and scores on', async () => {
    const log = logLines('info');
    const { pipeline, scores } = setup({ window: { align: 'hold' } }, { logger: log.logger });
    const T0 = Date.UTC(2026, 11, 6);
    for (let k = 0; k < 12; k++) {
      const t = T0 + k * 100;
      // Row 5: channel b's device sends one stamp in the year 2106.
      const batch = poll(t, 0.5).map((sample) => ({ ...sample, received: t }));
      if (k === 5) batch[1] = { ...batch[1], ts: Date.UTC(2106, 0, 1) };
      pipeline.push(batch);
    }
    await pipeline.idle();
    expect(log.at(40)).toEqual([
      "asset pump-1: source plc's clock is 79 years ahead of this gateway's: its samples go on the time grid by the " +
        'gateway’s clock (their stamps less that), so it freezes nothing and its channels stay with the others',
    ]);
    // Rows 0–10 are final (row 11 waits for a later sample): windows of 3 end at rows 2 to 10, all scored.
    expect(scores.map((r) => r.ts - T0)).toEqual([200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it("counts a source's rows that come late per source, and says so once per source, placed not before the last", async () => {
    const log = logLines('info');
    const { pipeline, metrics, scores } = setup({}, { logger: log.logger });
    const from = (source: string, batch: Sample[]) => batch.map((sample) => ({ ...sample, source }));
    // plc's rows at 100, 200, then two stamped 150 and 160 (late), then on time; another source's late row after. Each
    // with its own values: none is a row of held values (those of a source that came late wait a batch).
    for (const t of [100, 200, 150, 160, 300]) pipeline.push(poll(t, t / 1000));
    pipeline.push(from('hmi', poll(400, 0.4)));
    pipeline.push(from('hmi', poll(390, 0.39)));
    await pipeline.idle();
    const counted = (await metrics.rowsLate.get()).values.map((v) => [v.labels.source, v.value]);
    expect(counted).toEqual([
      ['plc', 2],
      ['hmi', 1],
    ]);
    expect(log.at(40)).toEqual(
      ['plc sent samples stamped 50', 'hmi sent samples stamped 10'].map(
        (what) =>
          `asset pump-1: source ${what} ms before a row it had sent already (the device or server reports changes ` +
          "late): each such row goes at the last row's time with its values as they came, so rows never step back; " +
          'counted in linewatch_rows_late_total, said once',
      ),
    );
    // Windows of 3 rows, ending at rows 3 to 7: none steps back (the late rows at 200, the hmi's at 400).
    expect(scores.map((r) => r.ts)).toEqual([200, 200, 300, 400, 400]);
  });

  /** A source that came late once (150 after 200), then sends a row of held values (300's, stamped 601): held back. */
  const heldValuesRow = (pipeline: AssetPipeline) => {
    for (const [t, v] of [
      [100, 0.1],
      [200, 0.2],
      [150, 0.15],
      [300, 0.3],
      [601, 0.3],
    ])
      pipeline.push(poll(t, v));
  };

  it("drops a late source's row of held values that its backlog overtook, counts it per source, says so once", async () => {
    const log = logLines('info');
    const { pipeline, metrics, scores } = setup({}, { logger: log.logger });
    // plc comes late once (150 after 200); later it stalls: its held values (300's) stamped 601, then the backlog.
    heldValuesRow(pipeline);
    for (const [t, v] of [
      [400, 0.4],
      [500, 0.5],
      [600, 0.6],
      [700, 0.7],
    ])
      pipeline.push(poll(t, v));
    await pipeline.idle();
    const counted = (await metrics.rowsOvertaken.get()).values.map((v) => [v.labels.source, v.value]);
    expect(counted).toEqual([['plc', 1]]);
    expect(log.at(40)[1]).toBe(
      'asset pump-1: source plc sent rows stamped before a row of held values it had sent (a server that stalled, ' +
        'then sent its backlog): such a row of a source that came late recently waits for the next batch and is ' +
        'dropped where that batch comes stamped before it, so that no part or window takes its stale values; counted ' +
        'in linewatch_rows_overtaken_total, said once',
    );
    // Windows of 3 rows: the backlog at its own stamps, after 300 (before, each at 601 behind the held values).
    expect(scores.map((r) => r.ts)).toEqual([200, 300, 400, 500, 600, 700]);
  });

  it("lets a held row go once no batch has come for max_sample_age_ms (the gateway's clock), never before", async () => {
    let now = 0;
    const { pipeline, scores, metrics } = setup({ window: { max_sample_age_ms: 2000 } }, { now: () => now });
    heldValuesRow(pipeline);
    await pipeline.idle();
    expect(scores.map((r) => r.ts)).toEqual([200, 300]);
    now = 1999;
    pipeline.tick(now);
    await pipeline.idle();
    expect(scores.map((r) => r.ts)).toEqual([200, 300]);
    now = 2000;
    pipeline.tick(now);
    await pipeline.idle();
    expect(scores.map((r) => r.ts)).toEqual([200, 300, 601]);
    expect((await metrics.rowsOvertaken.get()).values).toEqual([]);
    // Let go once: the next batch makes its own row only.
    pipeline.push(poll(700, 0.7));
    await pipeline.idle();
    expect(scores.map((r) => r.ts)).toEqual([200, 300, 601, 700]);
  });

  it('lets a held row go at shutdown (releaseHeld(true)), and keeps it waiting across a model swap', async () => {
    const stopping = setup();
    heldValuesRow(stopping.pipeline);
    stopping.pipeline.releaseHeld(true);
    await stopping.pipeline.idle();
    expect(stopping.scores.map((r) => r.ts)).toEqual([200, 300, 601]);

    const swapping = setup();
    heldValuesRow(swapping.pipeline);
    await swapping.pipeline.idle();
    const next = new MeanModel('2.0.0');
    swapping.pipeline.swapModel(next);
    swapping.pipeline.push(poll(700, 0.7));
    await swapping.pipeline.idle();
    expect(swapping.scores.map((r) => r.ts)).toEqual([200, 300, 601, 700]);
    expect(next.runs.flat().map((w) => w.end)).toEqual([601, 700]);
  });

  it('is not blind between the complete windows of long hops', () => {
    let now = 0;
    // A window every 10 rows (1 s) of a 300 ms window: a second between complete windows is normal.
    const { pipeline } = setup({ window: { hop_samples: 10 } }, { now: () => now });
    let seen = 0;
    for (let t = 100; t <= 5000; t += 100) {
      now = t;
      pipeline.push(poll(t, 0.5));
      pipeline.tick(now);
      if (pipeline.status().blind) seen++;
    }
    expect(seen).toBe(0);
  });

  it('with no samples at all it says so; a cycle asset, judged part by part, is not watched', () => {
    let now = 0;
    const sliding = setup({}, { now: () => now });
    const cycle = cycleSetup({}, {});
    sliding.pipeline.tick(now);
    now = 601;
    sliding.pipeline.tick(now);
    cycle.pipeline.tick(now);
    expect(sliding.pipeline.status().blind).toEqual({ since: 0, reason: 'no samples of its channels' });
    expect(cycle.pipeline.status().blind).toBeUndefined();
  });
});
