/**
 * The local store when its file fails at run time (the audit of the sinks' fire-and-forget
 * flushes, after "a failed DELETE crashes the daemon"): a failing retention delete ran outside the
 * flush's error handling, so `void this.flush()` on the timer became an unhandled rejection. The
 * fault is a real SQLite failure, a trigger added from a second connection to the same file.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/sinks/local/sqlite-store.js';
import { localStoreSchema } from '../../../src/sinks/local/schema.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';
import { INJECTED, sqliteFault } from '../../helpers/sqlite-fault.js';

const score = (ts: number) => ({
  asset: 'pump-1',
  model: 'm',
  modelVersion: '1',
  ts,
  score: 1,
  threshold: 2,
  anomalous: false,
  contributions: [],
});

describe('local store with a file that fails at run time', () => {
  it('a retention delete that fails is logged with the file and counted; flush() resolves, and it is tried a minute later', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-local-fail-')), 'linewatch.db');
    const log = logLines();
    const metrics = new GatewayMetrics();
    const clock = { now: Date.now() };
    const store = new SqliteStore(localStoreSchema.parse({ path, retention_hours: 1 }), {
      logger: log.logger,
      metrics,
      flushIntervalMs: 60_000,
      now: () => clock.now,
    });
    await store.start();
    const fault = sqliteFault(path, 'scores').failDeletes();
    store.write({ samples: [], scores: [score(clock.now - 7_200_000), score(clock.now)], alarms: [] });
    await store.flush(); // rejected before the fix
    expect(log.at(50)).toEqual([`local store ${path}: deleting rows older than 1 h failed: ${INJECTED}`]);
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total')).toContain(
      'linewatch_sink_write_errors_total{sink="local",kind="sqlite"} 1',
    );
    fault.heal();
    clock.now += 61_000;
    await store.close(); // its last flush prunes
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT ts FROM scores').all()).toEqual([{ ts: clock.now - 61_000 }]); // the old one pruned
    db.close();
  });

  it('a write that fails is logged and its points are counted as dropped (write_failed); later writes go on', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-local-fail-')), 'linewatch.db');
    const log = logLines();
    const metrics = new GatewayMetrics();
    const store = new SqliteStore(localStoreSchema.parse({ path }), {
      logger: log.logger,
      metrics,
      flushIntervalMs: 60_000,
    });
    await store.start();
    const fault = sqliteFault(path, 'scores').hideTable();
    const now = Date.now();
    store.write({ samples: [], scores: [score(now), score(now + 1)], alarms: [] });
    await store.flush();
    expect(await metrics.registry.getSingleMetricAsString('linewatch_sink_dropped_points_total')).toContain(
      'linewatch_sink_dropped_points_total{sink="local",reason="write_failed"} 2',
    );
    // the statements were prepared on the table that went away, so the retention delete fails too
    expect(log.at(50)).toEqual([
      expect.stringMatching(new RegExp(`^local store ${path.replaceAll('.', '\\.')}: write failed: .*scores`)),
      expect.stringMatching(new RegExp(`^local store ${path.replaceAll('.', '\\.')}: deleting rows older than`)),
    ]);
    // /api/status and /readyz show it unreachable, with why, until a write works again.
    expect(store.failing()).toEqual({
      since: expect.any(Number),
      error: expect.stringMatching(/write failed: .*scores/),
    });
    fault.heal();
    store.write({ samples: [], scores: [score(now + 2)], alarms: [] });
    await store.flush();
    expect(store.failing()).toBeUndefined();
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT ts FROM scores').all()).toEqual([{ ts: now + 2 }]);
    db.close();
  });
});
