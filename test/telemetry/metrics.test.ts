/** The gateway's metric families against promtool's rules, in-process (no server). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxruntimeVersion } from '../../src/core/runtime-versions.js';
import { LINEWATCH_VERSION } from '../../src/core/version.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';
import { lintExposition, parseExposition } from '../helpers/promlint.js';

describe('GatewayMetrics', () => {
  it('passes the promtool rules, families with values or not', async () => {
    const metrics = new GatewayMetrics({ processMetrics: true });
    metrics.alarmActive.set({ asset: 'pump-1', alarm: 'anomaly' }, 1);
    metrics.inferenceSeconds.observe({ asset: 'pump-1' }, 0.002);
    metrics.queueEvicted.inc({ sink: 'influxdb', class: 'raw' }, 3);
    // prom-client's standard names for these three gauges end in _total; promtool flags them too,
    // and Node.js dashboards query them by these names (docs/metrics.md).
    expect(lintExposition(await metrics.registry.metrics())).toEqual(
      ['resources', 'handles', 'requests'].map((n) => `nodejs_active_${n}_total: a gauge with the "_total" suffix`),
    );
    const labelNames = metrics.registry
      .getMetricsAsArray()
      .flatMap((m) => (m as unknown as { labelNames: string[] }).labelNames);
    expect(labelNames.filter((l) => !/^[a-z][a-z0-9_]*$/.test(l))).toEqual([]);
  });

  it('has the standard process_* and nodejs_* families, unprefixed, and only linewatch_* besides', async () => {
    const families = [...parseExposition(await new GatewayMetrics({ processMetrics: true }).registry.metrics()).keys()];
    expect(families).toContain('process_cpu_seconds_total');
    expect(families).toContain('process_resident_memory_bytes');
    expect(families).toContain('nodejs_heap_size_used_bytes');
    expect(families).toContain('nodejs_eventloop_lag_seconds');
    expect(families.filter((f) => !/^(linewatch|process|nodejs)_/.test(f))).toEqual([]);
    expect(families.filter((f) => f.startsWith('linewatch_process') || f.startsWith('linewatch_nodejs'))).toEqual([]);
  });

  it('says which linewatch, onnxruntime and Node.js run in linewatch_build_info', async () => {
    const family = parseExposition(await new GatewayMetrics().registry.metrics()).get('linewatch_build_info');
    expect(family?.type).toBe('gauge');
    expect(family?.samples).toEqual([
      {
        name: 'linewatch_build_info',
        labels: { version: LINEWATCH_VERSION, onnxruntime: onnxruntimeVersion(), node: process.versions.node },
        value: 1,
      },
    ]);
    expect(onnxruntimeVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('counts evictions with a counter', async () => {
    const family = parseExposition(await new GatewayMetrics().registry.metrics()).get('linewatch_queue_evicted_total');
    expect(family?.type).toBe('counter');
  });

  it('names the alarm in linewatch_alarm_active and linewatch_alarms_raised_total', () => {
    const metrics = new GatewayMetrics();
    const labels = (m: unknown) => (m as { labelNames: string[] }).labelNames;
    expect(labels(metrics.alarmActive)).toEqual(['asset', 'alarm']);
    expect(labels(metrics.alarmsRaised)).toEqual(['asset', 'alarm']);
  });
});

describe('lintExposition', () => {
  it('finds every kind of problem, naming the metric', () => {
    const bad = [
      '# HELP requests Requests served',
      '# TYPE requests counter',
      'requests 3',
      '# HELP queue_total Items queued',
      '# TYPE queue_total gauge',
      'queue_total 1',
      '# TYPE no_help_bytes gauge',
      'no_help_bytes 1',
      '# HELP latency_ms Time per request',
      '# TYPE latency_ms gauge',
      'latency_ms{Bad-Label="x"} 2',
      '# HELP app_app_up Up',
      '# TYPE app_app_up gauge',
      'app_app_up 1',
      '# HELP sent_bytes_per_poll Bytes a poll',
      '# TYPE sent_bytes_per_poll gauge',
      'sent_bytes_per_poll 1',
      '# HELP jobs_count Jobs',
      '# TYPE jobs_count gauge',
      'jobs_count 1',
      '# HELP camelCase Up',
      '# TYPE camelCase gauge',
      'camelCase 1',
      'untyped_thing 1',
    ].join('\n');
    expect(lintExposition(bad)).toEqual([
      'requests: a counter without the "_total" suffix',
      'queue_total: a gauge with the "_total" suffix',
      'no_help_bytes: no HELP text',
      'latency_ms: "ms" is not a base unit (use seconds, bytes, ratios)',
      'latency_ms: label name "Bad-Label" is not valid',
      'app_app_up: the word "app" twice in a row (a duplicated prefix)',
      'app_app_up: the prefix "app" again inside the name',
      'sent_bytes_per_poll: the unit "bytes" is not the last word (before _total)',
      'jobs_count: a gauge with the reserved suffix "_count"',
      'camelCase: not snake_case (upper-case letters)',
      'untyped_thing: no HELP text',
      'untyped_thing: no TYPE',
    ]);
  });

  it('takes a histogram with its _bucket, _sum and _count samples', () => {
    const ok = [
      '# HELP run_seconds Time per run',
      '# TYPE run_seconds histogram',
      'run_seconds_bucket{le="0.1"} 1',
      'run_seconds_bucket{le="+Inf"} 1',
      'run_seconds_sum 0.05',
      'run_seconds_count 1',
    ].join('\n');
    expect(lintExposition(ok)).toEqual([]);
    expect(parseExposition(ok).get('run_seconds')?.samples).toHaveLength(4);
  });
});

describe('docs/metrics.md', () => {
  it('lists every linewatch family with its type and labels', async () => {
    const doc = await readFile(join(ROOT, 'docs/metrics.md'), 'utf8');
    const metrics = new GatewayMetrics();
    const rows = metrics.registry.getMetricsAsArray().map((m) => {
      const { name, type, labelNames } = m as unknown as { name: string; type: string; labelNames: string[] };
      return `| \`${name}\` | ${type} | ${labelNames.join(', ')} |`;
    });
    expect(rows.filter((row) => !doc.includes(row))).toEqual([]);
  });

  it('lists no family that /metrics does not serve (each once)', async () => {
    const doc = await readFile(join(ROOT, 'docs/metrics.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `(linewatch_[a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    const served = [...parseExposition(await new GatewayMetrics().registry.metrics()).keys()];
    expect(listed.length).toBeGreaterThan(30); // the table was found
    expect([...listed].sort()).toEqual(served.filter((f) => f.startsWith('linewatch_')).sort());
  });
});
