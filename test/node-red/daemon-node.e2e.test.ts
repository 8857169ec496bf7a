/**
 * linewatch-daemon against a real daemon (the demo configuration polling the line simulator over
 * Modbus TCP): live alarm events into the flow, an acknowledge sent back, a refused command, and
 * the stream coming back after the daemon restarts on the same port.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { freePort } from '../../src/core/free-port.js';
import { MAX_BY_CHARS } from '../../src/core/operator-fields.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';
import { collect, helper, nextError, nodes } from './helper.js';

const TOKEN = 'node-red-test-token-42';
let sim: RunningSimulator;
let daemon: Daemon;
let port: number;

async function start(): Promise<Daemon> {
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: String(port),
    LINEWATCH_API_TOKEN: TOKEN,
  });
  loaded.config.storage.local = undefined;
  return startDaemon(loaded, silentLogger());
}

beforeAll(async () => {
  sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 5 });
  port = await freePort();
  daemon = await start();
});

afterEach(() => helper.unload());

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('linewatch-daemon', () => {
  it("brings the daemon's alarms into the flow, passes an acknowledge back, and reconnects after a restart", async () => {
    await helper.load(
      [nodes.daemon],
      [
        { id: 'd', type: 'linewatch-daemon', url: `http://127.0.0.1:${port}`, events: 'alarm,score', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
      { d: { token: TOKEN } },
    );
    const out = collect(helper.getNode('out')!);
    const d = helper.getNode('d')!;
    await expect.poll(() => out.some((m) => m.event === 'score'), { timeout: 15_000 }).toBe(true);

    sim.sim.injectFault({ type: 'rotor_imbalance', severity: 0.8, ramp_s: 1 });
    await expect
      .poll(() => out.find((m) => m.event === 'alarm' && m.payload.state === 'unack_active'), {
        timeout: 30_000,
        interval: 100,
      })
      .toBeTruthy();
    const raised = out.find((m) => m.event === 'alarm')!;
    expect(raised.topic).toBe('pump-1/alarm');
    expect(raised.payload.topChannels.join()).toMatch(/vibration/);

    d.receive({ command: 'ack', asset: 'pump-1', by: 'node-red operator', comment: 'seen' });
    await expect
      .poll(
        () =>
          out.find(
            (m) => m.event === 'alarm' && m.payload.state === 'ack_active' && m.payload.by === 'node-red operator',
          ),
        { timeout: 5_000 },
      )
      .toBeTruthy();

    const refused = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-9', by: 'op' });
    expect(await refused).toMatch(/daemon refused ack on pump-9\/anomaly \(404\): no asset "pump-9"/);

    sim.sim.clearFaults();
    await daemon.stop();
    const before = out.length;
    daemon = await start();
    await expect.poll(() => out.slice(before).some((m) => m.event === 'score'), { timeout: 20_000 }).toBe(true);
  }, 90_000);

  it('refuses a command without the fields the daemon needs', async () => {
    await helper.load(
      [nodes.daemon],
      [{ id: 'd', type: 'linewatch-daemon', url: `http://127.0.0.1:${port}`, events: 'alarm', wires: [[]] }],
    );
    const d = helper.getNode('d')!;
    const error = nextError(d);
    d.receive({ command: 'ack', by: 'op' });
    expect(await error).toMatch(/msg.asset: which asset's alarm/);
    // Refused in the flow, naming the message's field (it was the gateway's 400 "by: required").
    const noBy = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1' });
    expect(await noBy).toBe('msg.by: who is doing "ack" (a name or badge) is required');
    const badComment = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1', by: 'op', comment: { text: 'seen' } });
    expect(await badComment).toBe('msg.comment: expected text, got object');
    // Regression: these left the flow, and the gateway's 400 named its own fields (Infinity went as JSON null:
    // "duration_s: required for shelve").
    const forever = nextError(d);
    d.receive({ command: 'shelve', asset: 'pump-1', by: 'op', duration_s: Infinity });
    expect(await forever).toBe('msg.duration_s: shelve needs a positive number of seconds, got Infinity');
    // Regression: a msg.alarm that was no text was taken as "anomaly" (the command went to another alarm than asked),
    // and a name "." or ".." was a path step in the URL (the POST went to another path).
    const notText = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1', alarm: 42, by: 'op' });
    expect(await notText).toBe('msg.alarm: expected the alarm\'s name (text, e.g. "anomaly"), got number');
    const step = nextError(d);
    d.receive({ command: 'ack', asset: '..', by: 'op' });
    expect(await step).toBe('msg.asset: ".." cannot name an asset (it is a step in the URL\'s path)');
    const longName = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1', by: 'b'.repeat(MAX_BY_CHARS + 1) });
    expect(await longName).toBe(`msg.by: at most ${MAX_BY_CHARS} characters, who is doing "ack" (a name or badge)`);
  });

  it('refuses an event type the daemon does not send', async () => {
    await helper.load(
      [nodes.daemon],
      [{ id: 'd', type: 'linewatch-daemon', url: `http://127.0.0.1:${port}`, events: 'alarm,warnings', wires: [[]] }],
    );
    const d = helper.getNode('d')!;
    const error = nextError(d);
    d.receive({ command: 'ack', asset: 'pump-1', by: 'op' });
    expect(await error).toMatch(/events: unknown event type\(s\) warnings/);
  });
});
