/**
 * One soak sample: the process's memory, open file descriptors, event-loop delay since the last
 * sample and the sinks' queue sizes. Reading is I/O (process, /proc); the summary is pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IntervalHistogram } from 'node:perf_hooks';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { leastSquaresSlope } from './slope.js';

export interface SoakSample {
  readonly t_s: number;
  readonly rss_mb: number;
  /** RSS split as the kernel counts it (/proc/self/status): anonymous (heaps, arenas) and file-backed. */
  readonly rss_anon_mb: number;
  readonly rss_file_mb: number;
  readonly heap_used_mb: number;
  readonly heap_total_mb: number;
  readonly external_mb: number;
  readonly array_buffers_mb: number;
  readonly fds: number;
  readonly loop_p50_ms: number;
  readonly loop_p99_ms: number;
  readonly loop_max_ms: number;
  /** Points waiting per sink queue (influxdb, cloud). */
  readonly queued: Readonly<Record<string, number>>;
}

const MB = 1024 * 1024;
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Open file descriptors of this process (Linux: entries of /proc/self/fd). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** RssAnon and RssFile of /proc/self/status, in MB. */
export function rssSplit(): { anon: number; file: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
}

export async function takeSample(
  startedAt: number,
  loop: IntervalHistogram,
  metrics: GatewayMetrics,
  /** Run before memory is read (a full garbage collection); after the event-loop figures are taken. */
  beforeMemory?: () => void,
): Promise<SoakSample> {
  const loopP50 = loop.percentile(50);
  const loopP99 = loop.percentile(99);
  const loopMax = loop.max;
  loop.reset();
  beforeMemory?.();
  const m = process.memoryUsage();
  const split = rssSplit();
  const queued: Record<string, number> = {};
  for (const v of (await metrics.sinkBufferedPoints.get()).values) queued[String(v.labels.sink)] = v.value;
  const sample: SoakSample = {
    t_s: round((Date.now() - startedAt) / 1000, 1),
    rss_mb: round(m.rss / MB),
    rss_anon_mb: round(split.anon),
    rss_file_mb: round(split.file),
    heap_used_mb: round(m.heapUsed / MB),
    heap_total_mb: round(m.heapTotal / MB),
    external_mb: round(m.external / MB),
    array_buffers_mb: round(m.arrayBuffers / MB),
    fds: openFds(),
    loop_p50_ms: round(loopP50 / 1e6),
    loop_p99_ms: round(loopP99 / 1e6),
    loop_max_ms: round(loopMax / 1e6),
    queued,
  };
  return sample;
}

export const CSV_COLUMNS = [
  't_s',
  'rss_mb',
  'rss_anon_mb',
  'rss_file_mb',
  'heap_used_mb',
  'heap_total_mb',
  'external_mb',
  'array_buffers_mb',
  'fds',
  'loop_p50_ms',
  'loop_p99_ms',
  'loop_max_ms',
] as const;

export function csvHeader(sinks: readonly string[]): string {
  return [...CSV_COLUMNS, ...sinks.map((s) => `queued_${s}`)].join(',');
}

export function csvRow(s: SoakSample, sinks: readonly string[]): string {
  return [...CSV_COLUMNS.map((c) => s[c]), ...sinks.map((k) => s.queued[k] ?? '')].join(',');
}

export interface SoakSummary {
  readonly samples: number;
  readonly duration_min: number;
  readonly warmup_min: number;
  readonly rss_mb: {
    readonly start: number;
    readonly after_warmup: number;
    readonly end: number;
    readonly max: number;
  };
  /** Least squares over the samples after warm-up, MB per hour. */
  readonly rss_slope_mb_per_h: number | null;
  readonly rss_anon_slope_mb_per_h: number | null;
  readonly heap_used_slope_mb_per_h: number | null;
  readonly external_slope_mb_per_h: number | null;
  readonly heap_used_mb: { readonly start: number; readonly end: number; readonly max: number };
  readonly fds: { readonly start: number; readonly end: number; readonly max: number };
  readonly queued_max: Readonly<Record<string, number>>;
  readonly queued_end: Readonly<Record<string, number>>;
  readonly loop_p99_ms_max: number;
  readonly loop_p99_ms_median: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

/** The run's figures; slopes use the samples at or after `warmupS`. */
export function summarise(samples: readonly SoakSample[], warmupS: number): SoakSummary {
  if (samples.length === 0) throw new RangeError('soak summary: no samples were taken');
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const steady = samples.filter((s) => s.t_s >= warmupS);
  const hours = steady.map((s) => s.t_s / 3600);
  const slope = (key: 'rss_mb' | 'rss_anon_mb' | 'heap_used_mb' | 'external_mb') => {
    const v = leastSquaresSlope(
      hours,
      steady.map((s) => s[key]),
    );
    return v === undefined ? null : round(v);
  };
  const max = (key: 'rss_mb' | 'heap_used_mb' | 'fds') => Math.max(...samples.map((s) => s[key]));
  const queuedMax: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.queued)) queuedMax[k] = Math.max(queuedMax[k] ?? 0, v);
  return {
    samples: samples.length,
    duration_min: round(last.t_s / 60, 2),
    warmup_min: round(warmupS / 60, 2),
    rss_mb: {
      start: first.rss_mb,
      after_warmup: steady[0]?.rss_mb ?? last.rss_mb,
      end: last.rss_mb,
      max: max('rss_mb'),
    },
    rss_slope_mb_per_h: slope('rss_mb'),
    rss_anon_slope_mb_per_h: slope('rss_anon_mb'),
    heap_used_slope_mb_per_h: slope('heap_used_mb'),
    external_slope_mb_per_h: slope('external_mb'),
    heap_used_mb: { start: first.heap_used_mb, end: last.heap_used_mb, max: max('heap_used_mb') },
    fds: { start: first.fds, end: last.fds, max: max('fds') },
    queued_max: queuedMax,
    queued_end: last.queued,
    loop_p99_ms_max: Math.max(...samples.map((s) => s.loop_p99_ms)),
    loop_p99_ms_median: median(samples.map((s) => s.loop_p99_ms)),
  };
}
