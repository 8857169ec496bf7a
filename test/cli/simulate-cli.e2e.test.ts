/** `linewatch simulate --config`: the simulator as a process, its schedule and its HTTP API. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import ModbusSerial from 'modbus-serial';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

const PORTS_ANY = ['--modbus-port', '0', '--opcua-port', '0', '--http-port', '0'];

/** Runs `linewatch simulate ARGS` until it has printed its faults API line, then stops it with SIGTERM. */
async function startThenStop(args: readonly string[], options: SpawnOptions = {}) {
  const child = spawn(process.execPath, [BIN, 'simulate', ...args], { ...options, stdio: 'pipe' });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const stdout: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    stdout.push(line);
    if (line.includes('faults API')) break;
  }
  child.kill('SIGTERM');
  return { code: await exited, stdout: stdout.join('\n'), stderr };
}

describe('linewatch simulate', () => {
  it('serves Modbus, takes its fault schedule from the config file and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-sim-'));
    await writeFile(
      join(dir, 'sim.yaml'),
      'seed: 4\nmodbus: { port: 0 }\nopcua: { enabled: false }\nhttp: { port: 0 }\nfaults:\n  - { type: rotor_imbalance, start_s: 3600 }\n',
    );
    const child = spawn(process.execPath, [
      BIN,
      'simulate',
      '--config',
      join(dir, 'sim.yaml'),
      '--fault',
      'valve_closure@7200+60',
    ]);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let modbusPort = 0;
    let httpUrl = '';
    for await (const line of createInterface({ input: child.stdout })) {
      modbusPort ||= Number(/Modbus TCP +127\.0\.0\.1:(\d+)/.exec(line)?.[1] ?? 0);
      httpUrl ||= /faults API +(\S+)/.exec(line)?.[1] ?? '';
      if (modbusPort && httpUrl) break;
    }
    const faults = (await (await fetch(httpUrl)).json()) as { type: string; at_s: number; duration_s?: number }[];
    expect(faults.map((f) => [f.type, f.at_s, f.duration_s])).toEqual([
      ['rotor_imbalance', 3600, undefined],
      ['valve_closure', 7200, 60],
    ]);
    const client = new ModbusSerial.default();
    await client.connectTCP('127.0.0.1', { port: modbusPort });
    client.setID(1);
    const res = await client.readHoldingRegisters(0, 16);
    expect(res.data).toHaveLength(16);
    client.setID(1);
    await expect(client.readHoldingRegisters(30, 5)).rejects.toMatchObject({ modbusCode: 2 });
    await new Promise<void>((resolve) => client.close(() => resolve()));
    const bad = await fetch(httpUrl, { method: 'POST', body: JSON.stringify({ type: 'meltdown' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^type: expected one of "valve_closure"/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('takes --opcua (the default spelled out) and starts without warnings from node-opcua', async () => {
    const pki = await mkdtemp(join(tmpdir(), 'lw-sim-pki-'));
    const { stdout, stderr, code } = await startThenStop(['--opcua', ...PORTS_ANY, '--pki-dir', pki]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/OPC UA +opc\.tcp:\/\/127\.0\.0\.1:\d+\/UA\/linewatch-sim/);
    // Neither the getter outputs' sampling warning (W30) nor the PKCS#1 v1.5 advice (W27).
    expect(stderr).not.toMatch(/NODE-OPCUA-W|security-revert/);
    expect(stdout).not.toMatch(/NODE-OPCUA-W|security-revert/);
  }, 60_000);

  it('refuses a PKI folder it cannot create, naming it and the flag; LINEWATCH_SIM_PKI_DIR chooses another', async () => {
    // A working directory where data/sim-pki cannot be made (`data` is a file: refused even to root).
    const cwd = await mkdtemp(join(tmpdir(), 'lw-sim-cwd-'));
    await writeFile(join(cwd, 'data'), '');
    const refused = await runCli(['simulate', ...PORTS_ANY], { LINEWATCH_SIM_PKI_DIR: undefined }, 60_000, cwd);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `linewatch: cannot create the OPC UA server's PKI folder ${join(cwd, 'data/sim-pki')} ` +
        '(ENOTDIR: not a directory): choose a writable folder with --pki-dir (or LINEWATCH_SIM_PKI_DIR), ' +
        'or leave OPC UA out (--no-opcua)\n',
    );
    const pki = join(cwd, 'elsewhere', 'sim-pki');
    const started = await startThenStop(PORTS_ANY, { cwd, env: { ...process.env, LINEWATCH_SIM_PKI_DIR: pki } });
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/OPC UA +opc\.tcp:/);
    expect(existsSync(join(pki, 'own'))).toBe(true);
  }, 60_000);

  it('names opcua.pki_dir when the folder a simulator config gives cannot be created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-sim-cfg-'));
    await writeFile(join(dir, 'data'), '');
    await writeFile(join(dir, 'sim.yaml'), 'modbus: { port: 0 }\nhttp: { port: 0 }\nopcua: { port: 0 }\n');
    const res = await runCli(['simulate', '--config', join(dir, 'sim.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `PKI folder ${join(dir, 'data/sim-pki')} (ENOTDIR: not a directory): choose a writable folder with ` +
        `opcua.pki_dir in ${join(dir, 'sim.yaml')}, or leave OPC UA out (opcua.enabled: false)`,
    );
  });

  it('refuses a --speed that is not a positive number', async () => {
    const res = await runCli(['simulate', '--speed', '0', ...PORTS_ANY, '--no-opcua']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('linewatch: --speed 0: expected a positive number (simulated seconds per real second)\n');
  });

  it('refuses a bad simulator config naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-sim-bad-'));
    await writeFile(join(dir, 'sim.yaml'), 'faults:\n  - { type: cavitation, severity: 3 }\n');
    const res = await runCli(['simulate', '--config', join(dir, 'sim.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('faults[0].severity: Too big: expected number to be <=1');
  });
});

describe('config/simulator.yaml', () => {
  it('is a valid simulator config with a fault schedule', async () => {
    const { loadSimConfig } = await import('../../src/sim/sim-config.js');
    const { ROOT } = await import('../helpers/cli.js');
    const options = await loadSimConfig(join(ROOT, 'config/simulator.yaml'));
    expect(options.modbusPort).toBe(5020);
    expect(options.schedule?.map((f) => f.type)).toEqual(['cavitation', 'valve_closure', 'sensor_drift']);
  });
});
