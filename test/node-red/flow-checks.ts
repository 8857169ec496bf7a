/** Checks shared by the tests that run linewatch's nodes and example flows on a real Node-RED. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import type { NodeRedRuntime } from '../../src/testing/node-red-process.js';
import type { RunningSimulator } from '../../src/sim/run-simulator.js';

export const NODE_TYPES = [
  'linewatch-alarm',
  'linewatch-daemon',
  'linewatch-gateway',
  'linewatch-model',
  'linewatch-score',
  'linewatch-window',
];

/** Every linewatch node type of `module` is registered, enabled and without a load error. */
export async function expectNodesLoaded(red: NodeRedRuntime, module: string): Promise<void> {
  const sets = await red.nodeSets(module);
  expect(sets.flatMap((s) => s.types).sort()).toEqual(NODE_TYPES);
  for (const s of sets)
    expect({ id: s.id, enabled: s.enabled, err: s.err }).toEqual({ id: s.id, enabled: true, err: undefined });
}

/** The modbus-stack-light flow's acknowledge inject node. */
const ACK_INJECT = (
  JSON.parse(readFileSync(join(ROOT, 'flows', 'modbus-stack-light.json'), 'utf8')) as { id: string; type: string }[]
).find((n) => n.type === 'inject')!.id;

/**
 * With modbus-stack-light deployed: the stack light coil stays off through `reads` normal polls (pump-hybrid's
 * 32-sample windows, hop 5, 200 ms polls: a window a second once the first 32 samples are in), comes on after a
 * fault, stays on when the alarm returns (annunciated until acknowledged) and goes off when the flow's acknowledge
 * inject is pressed.
 */
export async function expectStackLightOnFault(sim: RunningSimulator, red: NodeRedRuntime, reads: number) {
  const coil = () => sim.sim.coils.get(1)![0];
  const start = sim.sim.modbusRequests.reads;
  await expect
    .poll(() => sim.sim.modbusRequests.reads - start, { timeout: 40_000, interval: 200 })
    .toBeGreaterThanOrEqual(reads);
  expect(coil(), `stack light on without a fault; Node-RED log:\n${red.log()}`).toBe(false);
  sim.sim.injectFault({ type: 'rotor_imbalance', severity: 0.8, ramp_s: 1 });
  await expect
    .poll(coil, { timeout: 30_000, interval: 100, message: `no stack light; Node-RED log:\n${red.log()}` })
    .toBe(true);
  expect(red.log()).toMatch(/unack_active/);
  sim.sim.clearFaults();
  await expect
    .poll(() => red.log(), { timeout: 40_000, interval: 200, message: 'the alarm did not return after the fault' })
    .toMatch(/rtn_unack/);
  expect(coil(), 'the stack light went out before anyone acknowledged').toBe(true);
  await red.inject(ACK_INJECT);
  await expect
    .poll(coil, { timeout: 10_000, interval: 100, message: `stack light still on; Node-RED log:\n${red.log()}` })
    .toBe(false);
}
