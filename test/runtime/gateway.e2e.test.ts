/**
 * The gateway end to end over real sockets: the line simulator's Modbus TCP server, the gateway
 * polling it, the shipped int8 model scoring, an alarm raised by a fault injected through the
 * simulator's HTTP API, the HTTP endpoint, and the local SQLite store.
 *
 * Every `it` runs alone: a test that injects a fault or stops the daemon starts a line of its own
 * (`startLine`); only tests that read without changing anything share one.
 */
import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alarmActionSchema } from '../../src/config/schema.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { PartResult, ScoreResult } from '../../src/core/types.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { pressSerial } from '../../src/sim/register-map.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';

const TOKEN = 'test-token-0123456789';

/** The demo gateway polling a simulator of its own, with a store, a webhook receiver and ports of its own. */
interface Line {
  readonly sim: RunningSimulator;
  readonly daemon: Daemon;
  readonly dbPath: string;
  /** What the webhook receiver was sent: it fails its first call (fault injection), then accepts. */
  readonly webhookCalls: { status: number; body: { state: string; asset: string } }[];
  close(): Promise<void>;
}

async function startLine(): Promise<Line> {
  // A real webhook receiver that fails its first call (fault injection), then accepts.
  const webhookCalls: Line['webhookCalls'] = [];
  const webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = webhookCalls.length === 0 ? 503 : 204;
      webhookCalls.push({ status, body: JSON.parse(body) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'lw-gw-'));
  const dbPath = join(dir, 'store.db');
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
    LINEWATCH_API_TOKEN: TOKEN,
  });
  loaded.config.storage.local!.path = dbPath;
  loaded.config.assets[0].alarm.actions = alarmActionSchema.array().parse([
    { type: 'modbus_write', name: 'stack-light', source: 'pump-plc', table: 'coil', address: 0 },
    {
      type: 'webhook',
      name: 'notify',
      url: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alarm`,
      retry_initial_ms: 20,
    },
  ]);
  const daemon = await startDaemon(loaded, silentLogger());
  return {
    sim,
    daemon,
    dbPath,
    webhookCalls,
    close: async () => {
      await daemon.stop();
      await sim.close();
      webhook.closeAllConnections();
      await new Promise((r) => webhook.close(r));
    },
  };
}

/** A line for this test alone, closed when it finishes (the context's hook: these tests run concurrently). */
async function startOwnLine({ onTestFinished }: TestContext): Promise<Line> {
  const line = await startLine();
  onTestFinished(() => line.close());
  return line;
}

const api = (line: Line, path: string) => `http://127.0.0.1:${line.daemon.http!.port}${path}`;
const faults = (line: Line) => `http://127.0.0.1:${line.sim.httpPort}/faults`;

/** Injects a rotor imbalance into the pump through the simulator's HTTP API. */
const injectRotorImbalance = (line: Line) =>
  fetch(faults(line), {
    method: 'POST',
    body: JSON.stringify({ type: 'rotor_imbalance', severity: 0.8, ramp_s: 1 }),
  });

/** POSTs an acknowledgement of pump-1's anomaly alarm, with the bearer token where given. */
const acknowledge = (line: Line, body: unknown, token?: string) =>
  fetch(api(line, '/api/alarms/pump-1/anomaly/ack'), {
    method: 'POST',
    body: JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

/**
 * Gives the store what the store test reads back: pump-1's alarm raised by a rotor imbalance,
 * acknowledged by tester and back to normal once the faults are removed, and parts failed under a
 * bad press-fit and passed after it. The two faults run at once (on different assets, and pump-1's
 * events are told apart by asset), so this takes the time of one story, not two.
 */
async function runBothFaultsAndRemoveThem(line: Line, expect: TestContext['expect']): Promise<void> {
  const { events } = line.daemon.gateway;
  const pumpAlarm = (state: string) => nextEvent(events, 'alarm', (a) => a.asset === 'pump-1' && a.state === state);
  const part = (verdict: string) => nextEvent(events, 'parts', (ps) => ps.some((p) => p.verdict === verdict));
  const raised = pumpAlarm('unack_active');
  const failed = part('fail');
  expect((await injectRotorImbalance(line)).status).toBe(201);
  line.sim.sim.injectFault({ type: 'bad_press_fit', severity: 0.9, ramp_s: 0 });
  await Promise.all([raised, failed]);
  expect((await acknowledge(line, { by: 'tester' }, TOKEN)).status).toBe(200);
  const normal = pumpAlarm('normal');
  const passed = part('pass');
  await fetch(faults(line), { method: 'DELETE' });
  await Promise.all([normal, passed]);
}

describe('gateway against the line simulator', () => {
  describe('in normal operation (one line, read only)', () => {
    let line: Line;
    beforeAll(async () => {
      line = await startLine();
      // Up once it has scored a window (what /api/status and /metrics report).
      await nextEvent(line.daemon.gateway.events, 'scores');
    });
    afterAll(() => line?.close());

    it('scores normal operation below the threshold', async () => {
      const scores: ScoreResult[] = [];
      while (scores.length < 3) {
        const batch = await nextEvent(line.daemon.gateway.events, 'scores');
        scores.push(...batch);
      }
      for (const s of scores) {
        expect(s.asset).toBe('pump-1');
        expect(s.anomalous).toBe(false);
        expect(s.contributions).toHaveLength(7);
      }
    });

    it('serves /healthz, /api/status and /metrics', async () => {
      const health = await fetch(api(line, '/healthz'));
      expect(health.status).toBe(200);
      const status = (await (await fetch(api(line, '/api/status'))).json()) as {
        state: string;
        assets: { name: string; windowsScored: number; latest: ScoreResult }[];
        sources: { connected: boolean }[];
      };
      expect(status.state).toBe('running');
      expect(status.sources[0].connected).toBe(true);
      expect(status.assets[0].name).toBe('pump-1');
      expect(status.assets[0].windowsScored).toBeGreaterThan(0);
      expect(status.assets[0].latest.threshold).toBeGreaterThan(0);
      const metrics = await (await fetch(api(line, '/metrics'))).text();
      expect(metrics).toMatch(/linewatch_windows_scored_total\{asset="pump-1"\} [1-9]/);
      expect(metrics).toMatch(/linewatch_source_connected\{source="pump-plc"\} 1/);
    });
  });

  // These change what their line does (a fault, an ack, a stop): each starts a line of its own. One at a time: three
  // daemons at once would compete with the rest of the suite on a 2-core CI machine.
  describe('with a fault injected, each on a line of its own', () => {
    // One story: each step needs the one before, so they are one test.
    it('raises an alarm naming vibration for a rotor imbalance injected over HTTP, switches the stack light and calls the webhook, takes a token-protected ack, returns to normal', async (context) => {
      const { expect } = context;
      const line = await startOwnLine(context);
      const { events } = line.daemon.gateway;

      // Raised, naming vibration.
      const res = await injectRotorImbalance(line);
      expect(res.status).toBe(201);
      const raised = await nextEvent(events, 'alarm');
      expect([raised.previous, raised.state, raised.cause, raised.priority]).toEqual([
        'normal',
        'unack_active',
        'condition',
        'high',
      ]);
      expect(raised.score).toBeGreaterThan(raised.threshold);
      expect(raised.topChannels.slice(0, 2).sort()).toEqual(['vibration_1', 'vibration_2']);
      const status = (await (await fetch(api(line, '/api/status'))).json()) as {
        alarms: { asset: string; state: string }[];
      };
      expect(status.alarms.map((a) => [a.asset, a.state])).toEqual([['pump-1', 'unack_active']]);

      // The stack light coil on the PLC switches on and the webhook is called, its failure retried.
      const actions = async () =>
        ((await (await fetch(api(line, '/api/status'))).json()) as { actions: { name: string; succeeded: number }[] })
          .actions;
      // The actions run on their own; wait for their effects (each poll is a real round trip). The stack light was
      // written once already at start (off, the alarm normal): its coil is what says the alarm's write landed.
      while (!line.sim.sim.coils.get(1)![0] || (await actions()).some((a) => a.succeeded < 1))
        await nextEvent(events, 'scores');
      expect(line.sim.sim.coils.get(1)![0]).toBe(true);
      expect(line.webhookCalls.map((c) => [c.status, c.body.state, c.body.asset])).toEqual([
        [503, 'unack_active', 'pump-1'],
        [204, 'unack_active', 'pump-1'],
      ]);

      // Acknowledged over the token-protected API, journaling who did it.
      expect((await acknowledge(line, { by: 'tester' })).status).toBe(401);
      expect((await acknowledge(line, { by: 'tester' }, 'wrong-token-wrong-token')).status).toBe(401);
      const noBy = await acknowledge(line, {}, TOKEN);
      expect(noBy.status).toBe(400);
      expect(((await noBy.json()) as { error: string }).error).toMatch(/^by: required/);
      const ok = await acknowledge(line, { by: 'tester', comment: 'maintenance called' }, TOKEN);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        previous: 'unack_active',
        state: 'ack_active',
        cause: 'operator',
        by: 'tester',
        comment: 'maintenance called',
      });
      const again = await acknowledge(line, { by: 'tester' }, TOKEN);
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: string }).error).toBe(
        'pump-1/anomaly: ack refused: nothing to acknowledge: the alarm is ack_active',
      );
      // A shelve longer than the alarm allows is the request's fault (400), not the alarm's state (409).
      const tooLong = await fetch(api(line, '/api/alarms/pump-1/anomaly/shelve'), {
        method: 'POST',
        body: JSON.stringify({ by: 'tester', duration_s: 9 * 3600 }),
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(tooLong.status).toBe(400);
      expect(((await tooLong.json()) as { error: string }).error).toBe(
        'pump-1/anomaly: shelve refused: 32400 s is longer than the alarm allows, 28800 s (max_shelve_s; Max shelve in the Node-RED alarm node)',
      );
      const unknownAsset = await fetch(api(line, '/api/alarms/pump-9/anomaly/ack'), {
        method: 'POST',
        body: '{"by":"x"}',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(unknownAsset.status).toBe(404);

      // Back to normal once the fault is removed (acknowledged alarms need no second ack).
      await fetch(faults(line), { method: 'DELETE' });
      const cleared = await nextEvent(events, 'alarm');
      expect([cleared.previous, cleared.state, cleared.cause]).toEqual(['ack_active', 'normal', 'condition']);
      while (line.sim.sim.coils.get(1)![0]) await nextEvent(events, 'scores');
      expect(line.sim.sim.coils.get(1)![0]).toBe(false);
    });

    it('judges every pressed part: pass while normal, fail with a bad press-fit, with the part id', async (context) => {
      const { expect } = context;
      const { sim, daemon } = await startOwnLine(context);
      const verdicts: PartResult[] = [];
      while (!verdicts.some((p) => p.verdict === 'pass'))
        verdicts.push(...(await nextEvent(daemon.gateway.events, 'parts')));
      const lastGood = verdicts.filter((p) => p.verdict === 'pass').pop()!;
      expect(lastGood.score).toBeLessThan(lastGood.threshold!);
      // Named by the PLC's serial number string register (demo.yaml: part_id_channel serial).
      expect(lastGood.partId).toBe(
        pressSerial(sim.sim.snapshot.press.part_counter - (sim.sim.snapshot.press.cycle_active ? 1 : 0)),
      );
      expect(lastGood.cycleMs).toBeGreaterThan(3000);
      sim.sim.injectFault({ type: 'bad_press_fit', severity: 0.9, ramp_s: 0 });
      let failed: PartResult | undefined;
      while (!failed)
        failed = (await nextEvent(daemon.gateway.events, 'parts')).find(
          (p) => p.verdict === 'fail' && serialNumber(p.partId) > serialNumber(lastGood.partId) + 1,
        );
      expect(failed.topChannels).toContain('force');
      // The reject gate part action opens coil 0 of the press PLC for the failed part.
      const gate = () => sim.sim.coils.get(2)![0];
      while (!gate()) await nextEvent(daemon.gateway.events, 'scores');
      expect(gate()).toBe(true);
    });

    it('has stored scores, the alarm events and raw samples in the local store after stop', async (context) => {
      const { expect } = context;
      const line = await startOwnLine(context);
      await runBothFaultsAndRemoveThem(line, expect);
      await line.daemon.stop();
      const db = new Database(line.dbPath, { readonly: true });
      const scores = db.prepare('SELECT COUNT(*) AS n, MAX(anomalous) AS any FROM scores').get() as {
        n: number;
        any: number;
      };
      const alarms = db.prepare("SELECT state, by FROM alarm_journal WHERE asset = 'pump-1' ORDER BY ts").all() as {
        state: string;
        by: string | null;
      }[];
      const samples = db.prepare("SELECT COUNT(DISTINCT channel) AS n FROM samples WHERE quality = 'good'").get() as {
        n: number;
      };
      const parts = db.prepare('SELECT verdict, COUNT(*) AS n FROM parts GROUP BY verdict ORDER BY verdict').all() as {
        verdict: string;
        n: number;
      }[];
      db.close();
      expect(scores.n).toBeGreaterThan(3);
      expect(scores.any).toBe(1);
      expect(alarms.map((a) => [a.state, a.by])).toEqual([
        ['unack_active', null],
        ['ack_active', 'tester'],
        ['normal', null],
      ]);
      expect(parts.map((p) => p.verdict)).toContain('fail');
      expect(parts.map((p) => p.verdict)).toContain('pass');
      expect(samples.n).toBe(13); // 8 pump and 5 press channels
    });
  });
});

/** The counter inside a press serial number ("PRS-000123" → 123). */
const serialNumber = (serial: string) => Number(/^PRS-(\d{6})$/.exec(serial)?.[1] ?? Number.NaN);

describe('linewatch run --once', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
  });
  afterAll(() => sim?.close());

  it('prints every register of the demo map decoded, matching the simulator', async () => {
    const res = await runCli(['run', '--config', 'config/demo.yaml', '--once'], {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    });
    expect(res.code).toBe(0);
    const samples = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { channel: string; value: number; quality: string; ts: number; received: number });
    for (const s of samples) expect(s.received).toBeGreaterThanOrEqual(s.ts);
    expect(samples.map((s) => s.channel)).toEqual([
      'vibration_1',
      'vibration_2',
      'motor_current',
      'voltage',
      'pressure',
      'temperature',
      'flow',
      'run_hours',
      'cycle_active',
      'part_counter',
      'force',
      'position',
      'serial',
    ]);
    const snap = sim.sim.snapshot;
    // The string tag: text, decoded from six registers.
    const serial = samples.find((s) => s.channel === 'serial') as unknown as { text: string; quality: string };
    expect(serial.quality).toBe('good');
    expect(serialNumber(serial.text)).toBeGreaterThanOrEqual(snap.press.part_counter - 1);
    const value = (c: string) => samples.find((s) => s.channel === c)!.value;
    // Within one simulator tick of drift; decoding errors (wrong word order) would be off by orders of magnitude.
    expect(value('voltage')).toBeGreaterThan(220);
    expect(value('voltage')).toBeLessThan(240);
    expect(value('flow')).toBeGreaterThan(20);
    expect(value('flow')).toBeLessThan(45);
    expect(value('pressure')).toBeGreaterThan(1);
    expect(value('pressure')).toBeLessThan(4);
    expect(value('run_hours')).toBeCloseTo(snap.pumpRunHours, 2);
    expect(samples.every((s) => s.quality === 'good')).toBe(true);
  });

  it('exits non-zero naming the device when nothing answers', async () => {
    const res = await runCli(['run', '--config', 'config/demo.yaml', '--once'], { LINEWATCH_DEMO_MODBUS_PORT: '1' });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/source pump-plc: device pump-plc \(127\.0\.0\.1:1, unit 1\): connect: ECONNREFUSED/);
  });
});
