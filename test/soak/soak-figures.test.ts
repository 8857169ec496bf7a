import { describe, expect, it } from 'vitest';
import { leastSquaresSlope } from '../../src/soak/slope.js';
import { csvHeader, csvRow, summarise, type SoakSample } from '../../src/soak/soak-sample.js';

const sample = (t_s: number, rss: number, heap: number, queued = 0): SoakSample => ({
  t_s,
  rss_mb: rss,
  rss_anon_mb: rss - 60,
  rss_file_mb: 60,
  heap_used_mb: heap,
  heap_total_mb: heap + 10,
  external_mb: 4,
  array_buffers_mb: 1,
  fds: 40,
  loop_p50_ms: 1,
  loop_p99_ms: t_s / 100,
  loop_max_ms: 20,
  queued: { influxdb: queued, 'cloud-mqtt': 0 },
});

describe('leastSquaresSlope', () => {
  it('finds the slope of a noisy line', () => {
    const xs = [0, 1, 2, 3, 4];
    expect(leastSquaresSlope(xs, [1, 3.1, 4.9, 7.05, 9])).toBeCloseTo(1.995, 3);
  });
  it('has no slope for one point or one x', () => {
    expect(leastSquaresSlope([1], [2])).toBeUndefined();
    expect(leastSquaresSlope([2, 2], [1, 5])).toBeUndefined();
  });
  it('refuses lists of different lengths, naming both', () => {
    expect(() => leastSquaresSlope([1, 2], [1])).toThrow('slope: 2 x values but 1 y values');
  });
});

describe('summarise', () => {
  it('takes slopes in MB per hour over the samples after warm-up only', () => {
    // Warm-up: RSS climbs 100 → 150 MB in 10 minutes; after it, +2 MB per hour; heap flat.
    const warm = [0, 300].map((t) => sample(t, 100 + t / 6, 20));
    const steady = [600, 1800, 3000, 4200].map((t) => sample(t, 150 + (2 * (t - 600)) / 3600, 20, t === 1800 ? 7 : 0));
    const s = summarise([...warm, ...steady], 600);
    expect(s.rss_slope_mb_per_h).toBeCloseTo(2, 6);
    expect(s.heap_used_slope_mb_per_h).toBe(0);
    expect(s.rss_mb).toEqual({ start: 100, after_warmup: 150, end: 152, max: 152 });
    expect(s.queued_max).toEqual({ influxdb: 7, 'cloud-mqtt': 0 });
    expect(s.loop_p99_ms_max).toBe(42);
    expect(s.duration_min).toBe(70);
  });
  it('refuses an empty run', () => {
    expect(() => summarise([], 0)).toThrow('soak summary: no samples were taken');
  });
});

describe('samples.csv', () => {
  it('writes one column per figure and per queue, in the header order', () => {
    const sinks = ['influxdb', 'cloud-mqtt'];
    const header = csvHeader(sinks).split(',');
    const row = csvRow(sample(10, 120, 25, 3), sinks).split(',');
    expect(row).toHaveLength(header.length);
    expect(row[header.indexOf('rss_mb')]).toBe('120');
    expect(row[header.indexOf('queued_influxdb')]).toBe('3');
  });
});
