import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScoreResult } from '../../src/core/types.js';
import { MinuteSummarizer, type MinuteSummary } from '../../src/sync/summaries.js';
import { ROOT } from '../helpers/cli.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const RUN = T0 - 90_000; // when the run (the gateway's sync) started
const score = (asset: string, ts: number, s: number): ScoreResult => ({
  asset,
  model: 'm',
  modelVersion: '1',
  ts,
  score: s,
  threshold: 1,
  anomalous: s > 1,
  contributions: [],
});

describe('minute summaries', () => {
  it('emits a minute once it is over, with score statistics, alarm and part counts and a stable id', () => {
    const sum = new MinuteSummarizer('gw-1', RUN, 5000);
    sum.addScores(Array.from({ length: 20 }, (_, i) => score('pump-1', T0 + i * 1000, i + 1)));
    sum.addAlarm(anomalyEvent('unack_active', { ts: T0 + 30_000 }));
    sum.addParts([
      { asset: 'press-1', partId: '1', ts: T0 + 10_000, verdict: 'pass', topChannels: [], model: 'p' },
      { asset: 'press-1', partId: '2', ts: T0 + 16_000, verdict: 'fail', topChannels: [], model: 'p' },
      { asset: 'press-1', partId: '3', ts: T0 + 22_000, verdict: 'unknown', topChannels: [], model: 'p' },
    ]);
    expect(sum.take(T0 + 64_000)).toEqual([]); // within the grace period
    const [pump, press] = sum.take(T0 + 66_000);
    expect(pump).toMatchObject({
      id: 'gw-1/pump-1/2026-11-28T12:00:00.000Z/2026-11-28T11:58:30.000Z',
      run: '2026-11-28T11:58:30.000Z',
      windows: 20,
      score: { min: 1, mean: 10.5, max: 20, p95: 19 },
      threshold: 1,
      alarms: { raised: 1, transitions: { unack_active: 1 } },
    });
    expect(press).toMatchObject({ parts: { count: 3, pass: 1, fail: 1, unknown: 1, pass_rate: 0.5 }, score: null });
    expect(sum.take(T0 + 200_000)).toEqual([]); // each minute once
  });

  it('leaves unknown parts out of the pass rate: null where no part of the minute was judged', () => {
    const sum = new MinuteSummarizer('gw', RUN, 0);
    const part = (partId: string, verdict: 'pass' | 'unknown') =>
      ({ asset: 'press-1', partId, ts: T0 + 1_000, verdict, topChannels: [], model: 'p' }) as const;
    sum.addParts([part('1', 'unknown'), part('2', 'unknown')]);
    sum.addParts([
      { ...part('3', 'pass'), ts: T0 + 61_000 },
      { ...part('4', 'unknown'), ts: T0 + 61_000 },
    ]);
    expect(sum.take(T0 + 200_000).map((s) => s.parts)).toEqual([
      { count: 2, pass: 0, fail: 0, unknown: 2, pass_rate: null, held: 0 },
      { count: 2, pass: 1, fail: 0, unknown: 1, pass_rate: 1, held: 0 },
    ]);
  });

  // Before: windows carried held (readings held over failed reads) to InfluxDB, but a minute's summary did not say how
  // many of its windows and parts were scored on held readings.
  it('counts the windows and the parts whose rows held a reading over a failed read', () => {
    const sum = new MinuteSummarizer('gw', RUN, 0);
    const held = { rows: 2, of: 4, channels: { b: 2 } };
    sum.addScores([
      score('a', T0 + 1_000, 1),
      { ...score('a', T0 + 2_000, 1), held },
      { ...score('a', T0 + 3_000, 1), held },
    ]);
    const part = (partId: string, verdict: 'pass' | 'unknown', more = {}) =>
      ({ asset: 'p', partId, ts: T0 + 1_000, verdict, topChannels: [], model: 'p', ...more }) as const;
    sum.addParts([part('1', 'pass', { held }), part('2', 'unknown', { held }), part('3', 'pass')]);
    sum.addScores([{ ...score('p', T0 + 1_000, 1), partId: '1', held }]); // a part's score: counted as its part
    const [a, p] = sum.take(T0 + 200_000);
    expect([a.windows, a.windows_held, a.parts.held]).toEqual([3, 2, 0]);
    expect([p.windows, p.windows_held, p.parts]).toEqual([
      0,
      0,
      { count: 3, pass: 2, fail: 0, unknown: 1, pass_rate: 1, held: 2 },
    ]);
  });

  it('keeps minutes apart and in order', () => {
    const sum = new MinuteSummarizer('gw', RUN, 0);
    sum.addScores([score('a', T0 + 61_000, 5), score('a', T0 + 1_000, 3)]);
    expect(sum.take(T0 + 200_000).map((s) => [s.minute, s.score?.max])).toEqual([
      ['2026-11-28T12:00:00.000Z', 3],
      ['2026-11-28T12:01:00.000Z', 5],
    ]);
  });
});

/**
 * The Telegraf consumer (deploy/fleet; Telegraf is not installed here, so its config is read): an InfluxDB point is
 * its measurement, tag values and timestamp. Two runs' summaries of one minute must be two points; before, the tags
 * were gateway and asset only, so the second overwrote the first.
 */
describe('deploy/fleet/telegraf-mqtt-consumer.conf', () => {
  const conf = readFileSync(join(ROOT, 'deploy/fleet/telegraf-mqtt-consumer.conf'), 'utf8');
  const block = conf.split('[[inputs.mqtt_consumer]]').find((b) => b.includes('linewatch/+/summary/+'))!;
  const tags = [...block.matchAll(/\[\[inputs\.mqtt_consumer\.json_v2\.tag\]\]\s+path = "([^"]+)"/g)].map((m) => m[1]);
  const timestampPath = /timestamp_path = "([^"]+)"/.exec(block)![1];

  it('keys a summary on its run too: two runs of one minute are two points, a redelivery the same one', () => {
    expect([timestampPath, tags]).toEqual(['minute', ['gateway', 'asset', 'run']]);
    const point = (s: MinuteSummary) =>
      JSON.stringify([timestampPath, ...tags].map((k) => s[k as keyof MinuteSummary]));
    const summaryOf = (run: number) => {
      const sum = new MinuteSummarizer('gw', run, 0);
      sum.addScores([score('pump-1', T0 + 40_000, 1)]);
      return sum.take(T0 + 60_000)[0];
    };
    const [first, second] = [summaryOf(RUN), summaryOf(T0 + 30_000)];
    expect(point(first)).not.toBe(point(second));
    expect(point(first)).toBe(point(summaryOf(RUN))); // QoS 1 may deliver one twice: it overwrites itself
  });

  // Before: it landed parts.count and pass_rate only, so the unknown parts (in the count, not in the rate) could not be
  // told apart, and the pass rate of a minute split by a restart could not be made from the added counts.
  it('lands the part counts a pass rate is made of: pass, fail and unknown apart', () => {
    const fields = [...block.matchAll(/\[\[inputs\.mqtt_consumer\.json_v2\.field\]\]\s+path = "([^"]+)"/g)];
    expect(fields.map((m) => m[1]).filter((path) => path.startsWith('parts.'))).toEqual([
      'parts.count',
      'parts.pass',
      'parts.fail',
      'parts.unknown',
      'parts.pass_rate',
      'parts.held',
    ]);
  });

  it('lands windows_held beside windows', () => {
    const fields = [...block.matchAll(/\[\[inputs\.mqtt_consumer\.json_v2\.field\]\]\s+path = "([^"]+)"/g)];
    expect(fields.map((m) => m[1]).filter((path) => path.startsWith('windows'))).toEqual(['windows', 'windows_held']);
  });
});
