/** /metrics of a real daemon on the simulator, with a raised alarm, against promtool's rules. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';
import { lintExposition, parseExposition } from '../helpers/promlint.js';
import { nextEvent } from '../helpers/gateway-events.js';

let sim: RunningSimulator;
let daemon: Daemon;
let text: string;

beforeAll(async () => {
  sim = await runSimulator({ modbusPort: 0, seed: 5 });
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
  });
  loaded.config.storage.local = undefined;
  daemon = await startDaemon(loaded, silentLogger());
  await nextEvent(daemon.gateway.events, 'scores');
  sim.sim.injectFault({ type: 'cavitation', severity: 0.9, ramp_s: 0.5 });
  await nextEvent(daemon.gateway.events, 'alarm');
  const res = await fetch(`http://127.0.0.1:${daemon.http!.port}/metrics`);
  expect(res.status).toBe(200);
  text = await res.text();
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('GET /metrics of a running gateway', () => {
  it('passes the promtool rules (but for the three prom-client gauges named *_total)', () => {
    expect(lintExposition(text)).toEqual(
      ['resources', 'handles', 'requests'].map((n) => `nodejs_active_${n}_total: a gauge with the "_total" suffix`),
    );
  });

  it('has the standard process and Node.js families and linewatch_build_info', () => {
    const families = parseExposition(text);
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    expect(families.get('linewatch_build_info')?.samples[0].labels.node).toBe(process.versions.node);
  });

  it('says which alarm is active', () => {
    const active = parseExposition(text).get('linewatch_alarm_active')?.samples ?? [];
    expect(active.map((s) => [s.labels, s.value])).toContainEqual([{ asset: 'pump-1', alarm: 'anomaly' }, 1]);
  });
});
