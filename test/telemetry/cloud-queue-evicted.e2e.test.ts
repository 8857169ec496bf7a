/**
 * Regression: the cloud queue's evictions at its byte bound were not counted (linewatch_queue_evicted_total had
 * InfluxDB's only). The demo gateway syncs to a cloud broker that is offline (nothing listens on its port), through a
 * disk queue of 1 KiB, parts and health not published: operators' shelves and unshelves of pump-1's alarm are queued
 * as alarm transitions, a few hundred bytes each, and the oldest go. /metrics counts each one that went: the
 * transitions the gateway published less those still in the queue's file.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRIORITIES } from '../../src/buffer/queue.js';
import { freePort } from '../../src/core/free-port.js';
import { startCloudOnlyDemo } from '../helpers/cloud-only-demo.js';
import { parseExposition } from '../helpers/promlint.js';

describe("the cloud queue's evictions", () => {
  it('are counted per class in /metrics, under the cloud sink', async () => {
    const queue = join(mkdtempSync(join(tmpdir(), 'lw-cloud-evicted-')), 'cloud.queue.db');
    const { daemon, close } = await startCloudOnlyDemo({
      url: `mqtt://127.0.0.1:${await freePort()}`,
      publish_parts: false,
      publish_health: false,
      buffer: { path: queue, max_bytes: 4096 },
    });
    let transitions = 0;
    const unsubscribe = daemon.gateway.events.subscribe('alarm', () => transitions++);
    try {
      for (let i = 0; i < 10; i++)
        for (const command of ['shelve', 'unshelve'] as const)
          await daemon.gateway.command('pump-1', 'anomaly', { command, by: 'op3', durationMs: 600_000 });
      const file = new Database(queue, { readonly: true });
      const alarms = PRIORITIES.indexOf('alarm'); // the file keeps a class as its rank
      const left = file.prepare('SELECT COUNT(*) AS n FROM queue WHERE priority = ?').get(alarms) as { n: number };
      file.close();
      const text = await (await fetch(`http://127.0.0.1:${daemon.http!.port}/metrics`)).text();
      const evicted = new Map(
        parseExposition(text)
          .get('linewatch_queue_evicted_total')!
          .samples.filter((s) => s.labels.sink === 'cloud-mqtt')
          .map((s) => [s.labels.class, s.value]),
      );
      expect(transitions).toBeGreaterThanOrEqual(20);
      expect(left.n).toBeGreaterThan(0);
      expect(left.n).toBeLessThan(transitions); // some went
      expect(evicted.get('alarm')).toBe(transitions - left.n);
      expect([...evicted.keys()].sort()).toEqual(['alarm', 'part', 'raw', 'score']);
    } finally {
      unsubscribe();
      await close();
    }
  }, 60_000);
});
