/**
 * The daemon reading the line simulator over OPC UA, as a newcomer configures it: the press's parts cut by its
 * cycle_active flag (held for the 4 s of a stroke, longer than max_sample_age_ms 1 s: the source holds unchanged
 * values while the subscription lives) and judged by the shipped part model; the pump with one node id misspelt,
 * named by its configuration path and channel, and the pump asset going blind saying which channel its windows lack.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { PUMP_CHANNELS } from '../../src/sim/pump-channels.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';
import { logLines } from '../helpers/log-lines.js';

let sim: RunningSimulator;
let dir: string;
let daemon: Daemon | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-opcua-daemon-'));
  sim = await runSimulator({ modbusPort: 0, seed: 11, opcua: { port: 0, pkiDir: join(dir, 'server-pki') } });
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const node = (channel: string, id: string) =>
  `      - { channel: ${channel}, node_id: "nsu=urn:linewatch:sim;s=${id}" }`;

const config = (endpoint: string) => `
data_dir: ${dir}
http: { enabled: false }
sources:
  - name: pump-ua
    type: opcua
    endpoint: ${endpoint}
    asset: pump-1
    publishing_interval_ms: 200
    nodes:
${PUMP_CHANNELS.map((c) => node(c, c === 'pressure' ? 'Pump1.presure' : `Pump1.${c}`)).join('\n')}
  - name: press-ua
    type: opcua
    endpoint: ${endpoint}
    asset: press-1
    publishing_interval_ms: 200
    nodes:
${['cycle_active', 'part_counter', 'force', 'position'].map((c) => node(c, `Press1.${c}`)).join('\n')}
assets:
  - name: pump-1
    model: ${join(ROOT, 'models/pump-ae')}
    window: { hop_samples: 5, max_sample_age_ms: 1000 }
  - name: press-1
    model: ${join(ROOT, 'models/press-ae')}
    window:
      type: cycle
      trigger_channel: cycle_active
      trigger: flag
      part_id_channel: part_counter
      min_samples: 10
      max_samples: 100
      max_sample_age_ms: 1000
`;

describe('the daemon over OPC UA', () => {
  it('judges the press parts, names a misspelt node by its path, and says which channel a blind asset lacks', async () => {
    const file = join(dir, 'linewatch.yaml');
    await writeFile(file, config(sim.opcuaEndpoint!));
    const log = logLines('info');
    daemon = await startDaemon(await loadConfigFile(file), log.logger);
    // The first judged part (one pressed while the gateway started is unknown: its start was not seen).
    const parts = nextEvent(daemon.gateway.events, 'parts', (ps) => ps.some((p) => p.verdict !== 'unknown'));

    const misspelt = await log.next(/Pump1\.presure/);
    expect([misspelt.level, misspelt.channel, misspelt.msg]).toEqual([
      40,
      'pressure',
      `device pump-ua (${sim.opcuaEndpoint}): sources[0].nodes[4].node_id nsu=urn:linewatch:sim;s=Pump1.presure ` +
        '(channel pressure): BadNodeIdUnknown: the server has no node ns=2;s=Pump1.presure (namespace 2 is urn:linewatch:sim)',
    ]);

    // The first part: cycle_active did not change for its 4 s, yet the part was judged.
    const part = (await parts).find((p) => p.verdict !== 'unknown')!;
    expect(part).toMatchObject({ asset: 'press-1', verdict: 'pass' });
    expect(part.cycleMs).toBeGreaterThan(3000);

    const blind = await log.next(/^asset pump-1: blind/);
    expect(blind.msg).toBe(
      'asset pump-1: blind, its windows are incomplete: pressure missing; nothing is scored and its alarm cannot rise',
    );
  }, 60_000);
});
