/**
 * `npm run soak` end to end, briefly: the built soak runs the demo line at ten times its rate with
 * a real influxd and mosquitto for a quarter of a minute and writes its samples and summary; with
 * --influx-outage-at-min its influxd stops for a while and the InfluxDB queue fills; a bad flag is named.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function soak(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', join(ROOT, 'dist/soak/main.js'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run soak', () => {
  it('samples a short run at ten times the demo rate and writes samples.csv and summary.json', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-soak-'));
    try {
      const res = await soak(['--minutes', '0.25', '--sample-s', '3', '--warmup-minutes', '0.05', '--out', out]);
      expect(res.code, res.stderr).toBe(0);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
      expect(JSON.parse(res.stdout.trim())).toEqual(summary);
      expect(summary).toMatchObject({ rate: 10, gc_before_sample: true, out });
      expect(summary.samples).toBeGreaterThanOrEqual(5);
      expect(summary.rss_mb.start).toBeGreaterThan(50);
      expect(typeof summary.rss_slope_mb_per_h).toBe('number');
      expect(summary.fds.max).toBeGreaterThan(10);
      expect(Object.keys(summary.queued_max).sort()).toEqual(['cloud-mqtt', 'influxdb']);
      expect(summary.events.scores).toBeGreaterThan(0);
      expect(summary.influx_series).toBeGreaterThan(0);
      const csv = (await readFile(join(out, 'samples.csv'), 'utf8')).trim().split('\n');
      expect(csv[0]).toBe(
        't_s,rss_mb,rss_anon_mb,rss_file_mb,heap_used_mb,heap_total_mb,external_mb,array_buffers_mb,fds,loop_p50_ms,loop_p99_ms,loop_max_ms,queued_influxdb,queued_cloud-mqtt',
      );
      expect(csv).toHaveLength(summary.samples + 1);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('stops influxd for --influx-outage-min minutes at --influx-outage-at-min: the InfluxDB queue fills', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lw-soak-'));
    try {
      const res = await soak([
        ...['--minutes', '0.25', '--sample-s', '2', '--warmup-minutes', '0.05', '--out', out],
        ...['--influx-outage-at-min', '0.05', '--influx-outage-min', '0.1'],
      ]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toContain('soak: influxd stopped at 0.05 min\n');
      expect(res.stderr).toContain('soak: influxd started again at 0.15 min\n');
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
      // Without an outage a run at this rate queues under 100 points (each batch sent within its flush).
      expect(summary.queued_max.influxdb).toBeGreaterThan(500);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('names a bad flag value', async () => {
    const res = await soak(['--minutes', 'soon']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('soak: --minutes soon: expected a positive number\n');
  });
});
