/**
 * `linewatch run --once` when one of a source's reads is refused: the simulator's Modbus server
 * (32 registers per unit) answers exception 2 for registers 40..41; the good tags still print,
 * the refused ones print bad with the reason, and the exit status says a read failed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/free-port.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { runCli } from '../helpers/cli.js';

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  sim = await runSimulator({ modbusPort: await freePort(), seed: 3 });
  dir = await mkdtemp(join(tmpdir(), 'linewatch-once-'));
});

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const config = (port: number) => `
data_dir: ${dir}
sources:
  - name: pump-plc
    type: modbus_tcp
    host: 127.0.0.1
    port: ${port}
    unit_id: 1
    asset: pump-1
    max_gap_registers: 0
    registers:
      - { channel: motor_current, address: 2, type: float32, byte_order: ABCD }
      - { channel: beyond_map, address: 40, type: uint32 }
      - { channel: temperature, address: 8, type: int16, scale: 0.01 }
`;

interface Line {
  channel: string;
  value: number | null;
  quality: string;
  reason?: string;
}

describe('linewatch run --once with a refused read', () => {
  it('prints the good samples and the refused tags as bad with the reason', async () => {
    const file = join(dir, 'partial.yaml');
    await writeFile(file, config(sim.modbusPort));
    const res = await runCli(['run', '--config', file, '--once']);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const reason =
      'device pump-plc (127.0.0.1:' +
      sim.modbusPort +
      ', unit 1): read holding registers 40..41 (40041..40042): illegal data address (Modbus exception 2)';
    expect(res.code).toBe(3);
    expect(lines.map((l) => [l.channel, l.quality])).toEqual([
      ['motor_current', 'good'],
      ['temperature', 'good'],
      ['beyond_map', 'bad'],
    ]);
    expect(lines.find((l) => l.channel === 'beyond_map')).toMatchObject({ value: null, reason });
    expect(lines.find((l) => l.channel === 'temperature')?.reason).toBeUndefined();
    const current = lines.find((l) => l.channel === 'motor_current')!.value!;
    expect(Math.abs(current - sim.sim.snapshot.pump.motor_current)).toBeLessThan(2);
    expect(res.stderr).toContain(`linewatch: source pump-plc: ${reason}`);
  });
});

// Issue: `address: 40101` (a Modicon reference, offset 100) was refused by the device with nothing said of why.
describe('linewatch run --once with a Modicon-looking address the device refuses', () => {
  it('warns before reading, and adds the offset the address probably means to the refusal', async () => {
    const file = join(dir, 'modicon.yaml');
    await writeFile(
      file,
      config(sim.modbusPort).replace('{ channel: beyond_map, address: 40,', '{ channel: beyond_map, address: 40101,'),
    );
    const res = await runCli(['run', '--config', file, '--once']);
    const hint =
      "address 40101 looks like a Modicon reference: linewatch takes the protocol's 0-based offset, which for 40101 is 100";
    const reason =
      `device pump-plc (127.0.0.1:${sim.modbusPort}, unit 1): read holding registers 40101..40102 (440102..440103): ` +
      `illegal data address (Modbus exception 2); ${hint}`;
    expect(res.code).toBe(3);
    const beyond = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line)
      .find((l) => l.channel === 'beyond_map');
    expect(beyond).toMatchObject({ quality: 'bad', value: null, reason });
    // The JSON log lines (connected) left out: what the command itself says.
    expect(res.stderr.split('\n').filter((l) => l.startsWith('linewatch: '))).toEqual([
      'linewatch: note: no assets configured: the gateway records the channels of its sources and scores none (to ' +
        'score them, add assets, each with a model: docs/models.md, "A detector for your own machine, step by step")',
      `linewatch: warning: sources[0].registers[1] (pump-plc, channel beyond_map): ${hint}; if the device really maps ` +
        '40101, ignore this',
      `linewatch: source pump-plc: ${reason}`,
    ]);
  });
});
