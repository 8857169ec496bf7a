/**
 * `linewatch init --protocol opcua`: the OPC UA starter, against the simulator's real OPC UA server (in this process,
 * on a free port given to the starter by PUMP_PLC_ENDPOINT, as a user would move it to a PLC): init writes it, validate
 * accepts it, `run --once` reads every channel from the simulator. Before, init wrote a Modbus starter only.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { PUMP_CHANNELS } from '../../src/sim/pump-channels.js';
import { runCli } from '../helpers/cli.js';

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-init-opcua-'));
  sim = await runSimulator({ modbusPort: 0, seed: 3, opcua: { port: 0, pkiDir: join(dir, 'server-pki') } });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Line {
  channel: string;
  value: number | null;
  quality: string;
}

describe('linewatch init --protocol opcua', () => {
  it('writes an OPC UA starter that validate accepts and run --once reads the simulator with', async () => {
    const file = join(dir, 'gw.yaml');
    const init = await runCli(['init', '--protocol', 'opcua', '--out', file]);
    expect([init.code, init.stderr]).toEqual([0, '']);
    const written = await readFile(file, 'utf8');
    expect(written).toContain('    type: opcua ');
    expect(written).toContain('endpoint: ${PUMP_PLC_ENDPOINT:-opc.tcp://127.0.0.1:4840/UA/linewatch-sim}');
    // The security settings are there, commented, as the Modbus starter's options are.
    for (const key of ['security_mode', 'security_policy', 'pki_dir', 'username', 'password', 'user_certificate_file'])
      expect(written).toMatch(new RegExp(`^ {4}# ${key}: `, 'm'));

    const validate = await runCli(['validate', '--config', file]);
    expect([validate.code, validate.stderr]).toEqual([0, '']);
    expect(validate.stdout).toBe(
      `${file}: OK (1 source(s), 7 tag(s), 1 asset(s) with models: pump-1=pump-hybrid@1.0.0)\n`,
    );

    const run = await runCli(['run', '--config', file, '--once'], { PUMP_PLC_ENDPOINT: sim.opcuaEndpoint! });
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => [l.channel, l.quality])).toEqual(PUMP_CHANNELS.map((c) => [c, 'good']));
    const flow = lines.find((l) => l.channel === 'flow')!;
    expect(Math.abs(flow.value! - sim.sim.snapshot.pump.flow)).toBeLessThan(5);
  }, 120_000);

  it('refuses a protocol it has no starter for, naming the choices, and writes nothing', async () => {
    const file = join(dir, 'none.yaml');
    const init = await runCli(['init', '--protocol', 'profinet', '--out', file]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(
      "error: option '-p, --protocol <protocol>' argument 'profinet' is invalid. Allowed choices are modbus, opcua.",
    );
    await expect(readFile(file, 'utf8')).rejects.toThrow(/^ENOENT: no such file or directory/);
  }, 60_000);
});
