/** `linewatch simulate --config`: the simulator as a process, its schedule and its HTTP API. */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import ModbusSerial from 'modbus-serial';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

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
    const child = spawn(process.execPath, [
      BIN,
      'simulate',
      '--opcua',
      '--modbus-port',
      '0',
      '--opcua-port',
      '0',
      '--http-port',
      '0',
      '--pki-dir',
      await mkdtemp(join(tmpdir(), 'lw-sim-pki-')),
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const stdout: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      stdout.push(line);
      if (line.includes('faults API')) break;
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout.join('\n')).toMatch(/OPC UA +opc\.tcp:\/\/127\.0\.0\.1:\d+\/UA\/linewatch-sim/);
    // Neither the getter outputs' sampling warning (W30) nor the PKCS#1 v1.5 advice (W27).
    expect(stderr).not.toMatch(/NODE-OPCUA-W|security-revert/);
    expect(stdout.join('\n')).not.toMatch(/NODE-OPCUA-W|security-revert/);
  }, 60_000);

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
