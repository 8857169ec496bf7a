/**
 * A corrupt queue file must not stop the gateway (issue: "a corrupt queue file stops the whole
 * gateway"): openQueue moves it aside as `<path>.corrupt-<time>`, reports it once with the path
 * and the bytes set aside, and opens a fresh queue; other errors name the file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openQueue, type CorruptQueue } from '../../src/buffer/open-queue.js';
import { SqliteQueue } from '../../src/buffer/sqlite-queue.js';
import { loadConfigFile } from '../../src/config/load.js';
import { influxSchema } from '../../src/config/schema.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { ROOT } from '../helpers/cli.js';
import { startCloudOnlyDemo } from '../helpers/cloud-only-demo.js';
import { nextEvent } from '../helpers/gateway-events.js';
import { parseExposition } from '../helpers/promlint.js';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const disk = (path: string) => ({ type: 'disk' as const, path, max_bytes: 1 << 20, sync: 'normal' as const });

describe('a corrupt disk queue', () => {
  it('a file that is not a database is set aside, reported once, and a fresh queue works', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-corrupt-')), 'influxdb.queue.db');
    const garbage = Buffer.from('this is not an SQLite file, just 58 bytes of text........');
    writeFileSync(path, garbage);
    const reports: CorruptQueue[] = [];
    const q = openQueue(
      disk(path),
      () => NOW,
      (c) => reports.push(c),
    );
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      path,
      movedTo: `${path}.corrupt-2026-12-01T12-00-00-000Z`,
      bytes: garbage.length,
    });
    expect(reports[0].reason).toBe('file is not a database');
    expect(readFileSync(reports[0].movedTo)).toEqual(garbage);
    q.push([{ payload: 'after', priority: 'alarm' }]);
    expect(q.take(10)!.items.map((i) => i.payload)).toEqual(['after']);
    q.close();
  });

  it('a queue whose pages were overwritten is set aside with its WAL, and what follows is queued', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-corrupt-')), 'cloud.queue.db');
    const q = new SqliteQueue({ path, maxBytes: 1 << 20 });
    q.push([{ payload: 'before', priority: 'raw' }]);
    q.close();
    const bytes = readFileSync(path);
    bytes.fill(0xab, 0, 100); // the header: SQLite no longer recognises the file
    writeFileSync(path, bytes);
    const reports: CorruptQueue[] = [];
    const fresh = openQueue(
      disk(path),
      () => NOW,
      (c) => reports.push(c),
    );
    expect(reports.map((r) => r.bytes)).toEqual([bytes.length]);
    expect(existsSync(reports[0].movedTo)).toBe(true);
    expect(fresh.stats()).toMatchObject({ items: 0 });
    fresh.close();
  });

  it('an error that is not corruption names the queue file and is not hidden', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-corrupt-'));
    const path = join(dir, 'queue.db');
    mkdirSync(path); // a folder where the file should be
    expect(() =>
      openQueue(
        disk(path),
        () => NOW,
        () => undefined,
      ),
    ).toThrow(`queue file ${path}: unable to open database file`);
  });
});

describe('the gateway with a corrupt sink queue', () => {
  it('starts, keeps scoring, and counts the file it set aside in /metrics', async () => {
    const sim = await runSimulator({ modbusPort: 0, seed: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'lw-corrupt-gw-'));
    const queue = join(dir, 'influxdb.queue.db');
    writeFileSync(queue, 'not a database');
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: '0',
    });
    loaded.config.storage.local = undefined;
    // Nothing listens on port 1: the sink keeps its points queued; detection must not care.
    loaded.config.storage.influxdb = influxSchema.parse({
      url: 'http://127.0.0.1:1',
      database: 'plant',
      buffer: { path: queue },
    });
    const daemon = await startDaemon(loaded, silentLogger());
    try {
      await nextEvent(daemon.gateway.events, 'scores');
      const metrics = await (await fetch(`http://127.0.0.1:${daemon.http!.port}/metrics`)).text();
      expect(metrics).toMatch(/^linewatch_queue_corrupt_total\{sink="influxdb"\} 1$/m);
      expect(readdirSync(dir).filter((f) => f.startsWith('influxdb.queue.db.corrupt-'))).toHaveLength(1);
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 60_000);
});

describe('regression: the cloud queue was counted corrupt as sink "cloud", every other series says "cloud-mqtt"', () => {
  it('counts the corrupt cloud queue file under the one name the cloud sink has in /metrics', async () => {
    const broker = await startMosquitto();
    const dir = mkdtempSync(join(tmpdir(), 'lw-corrupt-cloud-'));
    const queue = join(dir, 'cloud.queue.db');
    writeFileSync(queue, 'not a database');
    const demo = await startCloudOnlyDemo({ url: broker.url, buffer: { path: queue } });
    try {
      const text = await (await fetch(`http://127.0.0.1:${demo.daemon.http!.port}/metrics`)).text();
      expect(text).toMatch(/^linewatch_queue_corrupt_total\{sink="cloud-mqtt"\} 1$/m);
      const sinks = new Set<string>();
      for (const family of parseExposition(text).values())
        for (const s of family.samples) if (s.labels.sink !== undefined) sinks.add(s.labels.sink);
      expect([...sinks].sort()).toEqual(['cloud-mqtt']);
      expect(readdirSync(dir).filter((f) => f.startsWith('cloud.queue.db.corrupt-'))).toHaveLength(1);
    } finally {
      await demo.close();
      await broker.stop();
    }
  }, 60_000);
});
