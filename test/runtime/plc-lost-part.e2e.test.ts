/**
 * A part made entirely while the PLC did not answer gets a record: unknown, made while its readings were lost.
 * Regression (qiwalk-s39, a quality-inspection walk over Modbus): the press PLC froze between two strokes for longer
 * than a cycle, its part counter went from 650 to 652, and part PRS-000651 had no record at all (no verdict in
 * InfluxDB, /api/events or the reject gate), as if it had never been made. The line simulator's plant runs on here
 * while its real Modbus server is stopped and started again on its port: its part counter goes on counting. A PLC
 * restarted, its counter at 0 again, makes no record of its own: it is said once as a restart.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { PartResult } from '../../src/core/types.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { LineSimulator } from '../../src/sim/line-simulator.js';
import { startSimModbusServer, type SimModbusServer } from '../../src/sim/modbus-server.js';
import { pressSerial } from '../../src/sim/register-map.js';
import { ROOT } from '../helpers/cli.js';
import { logLines } from '../helpers/log-lines.js';

/** The plant four times faster than real (a 1.5 s cycle, 1 s pressing), read every 50 ms. */
const SPEED = 4;

const counter = (p: PartResult) => Number(p.partId.slice('PRS-'.length));

/** The demo's gateway reading a plant's press over its real Modbus server; the press's part records, in order. */
async function pressGateway() {
  const plc = { plant: new LineSimulator({ seed: 3, speed: SPEED }), server: undefined as SimModbusServer | undefined };
  plc.plant.start();
  const server = await startSimModbusServer(plc.plant, '127.0.0.1', 0);
  plc.server = server;
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(server.port),
    LINEWATCH_HTTP_PORT: '0',
    LINEWATCH_API_TOKEN: 'test-token-0123456789',
  });
  const source = loaded.config.sources.find((s) => s.name === 'press-plc')!;
  (source as { poll_interval_ms: number }).poll_interval_ms = 50;
  loaded.config.storage.local!.path = join(await mkdtemp(join(tmpdir(), 'lw-plc-lost-')), 'store.db');
  const log = logLines('warn');
  const daemon = await startDaemon(loaded, log.logger);
  const parts: PartResult[] = [];
  daemon.gateway.events.subscribe('parts', (ps) => parts.push(...ps.filter((p) => p.asset === 'press-1')));
  /** Resolves with the first part from the `from`-th on that `matches`, recorded already or later. */
  const partFrom = (from: number, matches: (p: PartResult, i: number) => boolean) =>
    new Promise<PartResult>((resolve) => {
      const look = () => {
        const found = parts.find((p, i) => i >= from && matches(p, i));
        if (found) resolve(found);
        return found !== undefined;
      };
      if (look()) return;
      const off = daemon.gateway.events.subscribe('parts', () => look() && off());
    });
  /** A part at least `least` whose id counts up by 1 from the part before it: the PLC's counter seen counting. */
  const countedTo = (least: number) =>
    partFrom(1, (p, i) => counter(p) >= least && counter(p) === counter(parts[i - 1]) + 1);
  return {
    plant: () => plc.plant,
    log,
    parts,
    partFrom,
    countedTo,
    /** The PLC stops answering: its Modbus server closes (its connections too); the plant runs on. */
    stopAnswering: async () => {
      await plc.server?.close();
      plc.server = undefined;
    },
    /** The PLC answers again on its port: `plant` where it restarted (its own plant stopped), else the same. */
    answerAgain: async (plant = plc.plant) => {
      if (plant !== plc.plant) plc.plant.stop();
      plc.plant = plant;
      plc.server = await startSimModbusServer(plant, '127.0.0.1', server.port);
    },
    stop: async () => {
      await daemon.stop();
      await plc.server?.close();
      plc.plant.stop();
    },
  };
}

describe('a PLC that does not answer while a whole part is made', () => {
  it('gives that part a record, unknown: made while its readings were lost, the counter named', async () => {
    const g = await pressGateway();
    try {
      // The PLC stops answering as a part ends, its counter seen counting.
      const a = counter(await g.countedTo(1));
      await g.stopAnswering();
      // The next part is pressed and done, and the one after it begun, while nothing answers.
      await new Promise<void>((resolve) => {
        const onTick = (s: { press: { part_counter: number } }) => {
          if (s.press.part_counter < a + 2) return;
          g.plant().off('tick', onTick);
          resolve();
        };
        g.plant().on('tick', onTick);
      });
      const from = g.parts.length;
      await g.answerAgain();
      // The first part judged after the outage: every part before it has its record by then.
      const next = await g.partFrom(from, (p) => p.verdict !== 'unknown');
      const after = g.parts.slice(from, g.parts.indexOf(next));
      // Parts a+1 .. b-1 were made while nothing answered; b, the first read again, started unseen or was read whole.
      const b = counter(after.find((p) => !p.reason?.startsWith('made while')) ?? next);
      expect(b).toBeGreaterThan(a + 1);
      const reason = `made while its readings were lost (the part counter went from ${a} to ${b})`;
      const lost = Array.from({ length: b - a - 1 }, (_, k) => [pressSerial(a + 1 + k), 'unknown', reason]);
      expect(after.filter((p) => p.reason === reason).map((p) => [p.partId, p.verdict, p.reason])).toEqual(lost);
      // Each in the order made, before the part that showed them lost, each at its own time.
      expect(after.slice(0, lost.length).map((p) => p.partId)).toEqual(lost.map(([id]) => id));
      expect(new Set(after.slice(0, lost.length).map((p) => p.ts)).size).toBe(lost.length);
    } finally {
      await g.stop();
    }
  }, 30_000);

  it('makes no records for a PLC restarted, its counter at 0 again: said once as a restart', async () => {
    const g = await pressGateway();
    try {
      // Counted past the parts a restarted PLC makes before it is read again (its backoff: seconds, parts 0 to 2).
      const a = counter(await g.countedTo(4));
      await g.stopAnswering();
      const from = g.parts.length;
      const restarted = new LineSimulator({ seed: 3, speed: SPEED });
      restarted.start();
      await g.answerAgain(restarted);
      const next = await g.partFrom(from, (p) => p.verdict !== 'unknown');
      const b = counter(g.parts[from]);
      expect(b).toBeLessThan(a);
      expect(g.parts.slice(from, g.parts.indexOf(next) + 1).map(counter)).toEqual(
        Array.from({ length: counter(next) - b + 1 }, (_, k) => b + k),
      );
      expect(g.log.at(40).filter((m) => m.includes('part counter'))).toEqual([
        `asset press-1: the part counter went from ${a} to ${b}: a PLC restart or the counter wrapped (it went back); no part records made for it`,
      ]);
    } finally {
      await g.stop();
    }
  }, 30_000);
});
