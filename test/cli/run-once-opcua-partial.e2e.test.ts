/**
 * `linewatch run --once` against the simulator's OPC UA server when one configured node id does
 * not exist there: the good node still prints, the unknown one prints bad with the status code
 * name, its configuration path, node id and channel, and the exit status says a read failed. A
 * server that is not there is still one clear error for the whole source.
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
  dir = await mkdtemp(join(tmpdir(), 'linewatch-once-ua-'));
  sim = await runSimulator({ modbusPort: 0, seed: 5, opcua: { port: 0, pkiDir: join(dir, 'server-pki') } });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const config = (endpoint: string) => `
data_dir: ${dir}
sources:
  - name: pump-ua
    type: opcua
    endpoint: ${endpoint}
    asset: pump-1
    nodes:
      - { channel: flow, node_id: "nsu=urn:linewatch:sim;s=Pump1.flow" }
      - { channel: ghost, node_id: "nsu=urn:linewatch:sim;s=Pump1.no_such_signal" }
      - { channel: pressure, node_id: "nsu=urn:linewatch:sim;s=Pump1.pressure" }
`;

interface Line {
  channel: string;
  value: number | null;
  quality: string;
  reason?: string;
}

describe('linewatch run --once with an unknown OPC UA node id', () => {
  it('prints the good nodes and the unknown one as bad with its status code, config path and channel, exit 3', async () => {
    const file = join(dir, 'partial.yaml');
    await writeFile(file, config(sim.opcuaEndpoint!));
    const res = await runCli(['run', '--config', file, '--once']);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const reason =
      `device pump-ua (${sim.opcuaEndpoint}): sources[0].nodes[1].node_id nsu=urn:linewatch:sim;s=Pump1.no_such_signal ` +
      '(channel ghost): BadNodeIdUnknown: the server has no node ns=2;s=Pump1.no_such_signal (namespace 2 is urn:linewatch:sim)';
    expect(res.code).toBe(3);
    expect(lines.map((l) => [l.channel, l.quality])).toEqual([
      ['flow', 'good'],
      ['ghost', 'bad'],
      ['pressure', 'good'],
    ]);
    expect(lines[1]).toMatchObject({ value: null, reason });
    expect(lines[0].reason).toBeUndefined();
    expect(lines[2].reason).toBeUndefined();
    expect(Math.abs(lines[0].value! - sim.sim.snapshot.pump.flow)).toBeLessThan(5);
    // On stderr an OPC UA endpoint keeps its path (it names the server, never a secret: core/redact.ts).
    expect(res.stderr.split('\n')).toContain(`linewatch: source pump-ua: ${reason}`);
  }, 60_000);

  it('still fails the whole source, with one clear error, when the server is not there', async () => {
    const port = await freePort();
    const endpoint = `opc.tcp://127.0.0.1:${port}/UA/linewatch-sim`;
    const file = join(dir, 'unreachable.yaml');
    await writeFile(file, config(endpoint));
    const res = await runCli(['run', '--config', file, '--once']);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    expect(res.stderr.split('\n')).toContain(
      `linewatch: source pump-ua: device pump-ua (${endpoint}): cannot connect (security_mode None, security_policy None): connect ECONNREFUSED 127.0.0.1:${port} (connection refused, nothing listens at that address and port: check port, and that the device serves OPC UA)`,
    );
  }, 60_000);
});
