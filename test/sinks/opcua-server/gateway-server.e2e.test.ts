/**
 * storage.opcua_server end to end: the demo gateway polling the line simulator over Modbus TCP, its OPC UA server on
 * 127.0.0.1 and a free port, and a node-opcua client over a real socket browsing, reading and subscribing as a SCADA
 * would. One gateway for the file (its PKI folder made once, in the file's temp data_dir); each test opens its own
 * session.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, BrowseDirection, StatusCodes, type ClientSession } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/config/load.js';
import { freePort } from '../../../src/core/free-port.js';
import type { ScoreResult } from '../../../src/core/types.js';
import { startDaemon, type Daemon } from '../../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../../src/sim/run-simulator.js';
import { opcuaServerSchema } from '../../../src/sinks/opcua-server/schema.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { ROOT } from '../../helpers/cli.js';
import { nextEvent } from '../../helpers/gateway-events.js';
import { nextValues, openUaSession, type UaSession } from '../../helpers/ua-client.js';

const NAMESPACE = 'urn:linewatch:demo-gateway';
const SCADA = { userName: 'scada', password: 'scada-password-1' };

/** A demo gateway polling a simulator of its own, its OPC UA server on a free port. */
interface Line {
  readonly sim: RunningSimulator;
  readonly daemon: Daemon;
  readonly endpoint: string;
  /** Every score the gateway published, by asset and time. */
  readonly published: Map<string, ScoreResult>;
  /** Closes the simulator (its PLCs stop answering) while the gateway runs on. */
  stopPlcs(): Promise<void>;
  close(): Promise<void>;
}

let dir: string;
let line: Line;
let endpoint: string;
let published: Map<string, ScoreResult>;

/** A line whose gateway keeps its state in `dir` (every line of the file shares the server's PKI folder there). */
async function startLine(store: string): Promise<Line> {
  const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
  const port = await freePort();
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
  });
  loaded.config.data_dir = dir;
  loaded.config.storage.local!.path = join(dir, store);
  loaded.config.storage.opcua_server = opcuaServerSchema.parse({
    port,
    security_modes: ['None'],
    users: [{ username: SCADA.userName, password: SCADA.password }],
  });
  const daemon = await startDaemon(loaded, silentLogger());
  const scores = new Map<string, ScoreResult>();
  let simClosed: Promise<void> | undefined;
  daemon.gateway.events.subscribe('scores', (batch) => {
    for (const s of batch) scores.set(`${s.asset}@${s.ts}`, s);
  });
  await nextEvent(daemon.gateway.events, 'scores', (s) => s.some((r) => r.asset === 'pump-1'));
  return {
    sim,
    daemon,
    endpoint: `opc.tcp://127.0.0.1:${port}/UA/linewatch`,
    published: scores,
    stopPlcs: () => (simClosed ??= sim.close()),
    close: async () => {
      await daemon.stop();
      await (simClosed ??= sim.close());
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-uaserver-'));
  line = await startLine('store.db');
  ({ endpoint, published } = line);
}, 120_000);

afterAll(async () => {
  await line?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A session of the configured user, closed when the test ends. */
async function scadaSession(onTestFinished: (fn: () => Promise<void>) => void): Promise<UaSession> {
  const ua = await openUaSession(endpoint, NAMESPACE, SCADA);
  onTestFinished(() => ua.close());
  return ua;
}

async function browseNames(session: ClientSession, nodeId: string): Promise<string[]> {
  const result = await session.browse({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    resultMask: 63,
  });
  return (result.references ?? []).map((r) => r.browseName.name ?? '');
}

describe('the gateway as an OPC UA server', () => {
  it('offers a folder per asset under the gateway, with channels, anomaly, alarm and (for parts) part variables', async ({
    onTestFinished,
  }) => {
    const { session, ns } = await scadaSession(onTestFinished);
    expect(ns).toBeGreaterThan(0);
    expect(await browseNames(session, 'ns=0;i=85')).toContain('demo-gateway');
    expect(await browseNames(session, `ns=${ns};s=demo-gateway`)).toEqual(['pump-1', 'press-1']);
    expect(await browseNames(session, `ns=${ns};s=pump-1`)).toEqual(['Channels', 'Anomaly', 'Alarm']);
    expect(await browseNames(session, `ns=${ns};s=press-1`)).toEqual(['Channels', 'Anomaly', 'Alarm', 'Part']);
    expect(await browseNames(session, `ns=${ns};s=pump-1/Anomaly`)).toEqual(['Score', 'Threshold', 'Verdict']);
    expect(await browseNames(session, `ns=${ns};s=press-1/Part`)).toEqual(['Id', 'Verdict', 'Score']);
    expect(await browseNames(session, `ns=${ns};s=pump-1/Channels`)).toContain('pressure');
  });

  it("a channel's unit is its EngineeringUnits property: bar, UNECE code BAR", async ({ onTestFinished }) => {
    const { session, ns } = await scadaSession(onTestFinished);
    const path = await session.translateBrowsePath({
      startingNode: `ns=${ns};s=pump-1/Channels/pressure`,
      relativePath: {
        elements: [
          {
            referenceTypeId: 'i=46',
            isInverse: false,
            includeSubtypes: true,
            targetName: { namespaceIndex: 0, name: 'EngineeringUnits' },
          },
        ],
      },
    });
    expect(path.statusCode).toBe(StatusCodes.Good);
    const eu = await session.read({ nodeId: path.targets![0].targetId, attributeId: AttributeIds.Value });
    expect(eu.value.value.displayName.text).toBe('bar');
    // 'BAR' as the UNECE common code's UInt32 (OPC UA Part 8, EUInformation.unitId).
    expect(eu.value.value.unitId).toBe((0x42 << 16) | (0x41 << 8) | 0x52);
  });

  it('Score reads Good with the score and the source timestamp of a score the gateway published', async ({
    onTestFinished,
  }) => {
    const { session, ns } = await scadaSession(onTestFinished);
    const read = await session.read({ nodeId: `ns=${ns};s=pump-1/Anomaly/Score`, attributeId: AttributeIds.Value });
    expect(read.statusCode).toBe(StatusCodes.Good);
    const score = published.get(`pump-1@${read.sourceTimestamp!.getTime()}`);
    expect(score?.score).toBe(read.value.value);
    const threshold = await session.read({
      nodeId: `ns=${ns};s=pump-1/Anomaly/Threshold`,
      attributeId: AttributeIds.Value,
    });
    expect(threshold.value.value).toBe(score!.threshold);
  });

  it("a client's monitored item receives each new score, each the gateway's, in order", async ({ onTestFinished }) => {
    const { session, ns } = await scadaSession(onTestFinished);
    const changes = await nextValues(session, `ns=${ns};s=pump-1/Anomaly/Score`, 3);
    const times = changes.map((c) => c.sourceTimestamp!.getTime());
    expect(new Set(times).size).toBe(3);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const c of changes) expect(published.get(`pump-1@${c.sourceTimestamp!.getTime()}`)?.score).toBe(c.value.value);
  });

  it('variables are read-only: a write is refused', async ({ onTestFinished }) => {
    const { session, ns } = await scadaSession(onTestFinished);
    const status = await session.write({
      nodeId: `ns=${ns};s=pump-1/Anomaly/Score`,
      attributeId: AttributeIds.Value,
      value: { value: { dataType: 'Double', value: 0 } },
    });
    expect(status).toBe(StatusCodes.BadNotWritable);
  });

  it('no endpoint offers anonymous sessions (allow_anonymous is off): an anonymous client cannot open one', async () => {
    await expect(openUaSession(endpoint, NAMESPACE)).rejects.toThrow(
      'Cannot find ANONYMOUS user token policy in end point description',
    );
  });

  it("the alarm's variables read the gateway's alarm before its first transition: normal, not active", async ({
    onTestFinished,
  }) => {
    const { session, ns } = await scadaSession(onTestFinished);
    const [active, state] = await session.read([
      { nodeId: `ns=${ns};s=pump-1/Alarm/Active`, attributeId: AttributeIds.Value },
      { nodeId: `ns=${ns};s=pump-1/Alarm/State`, attributeId: AttributeIds.Value },
    ]);
    expect([active.statusCode, active.value.value]).toEqual([StatusCodes.Good, false]);
    expect([state.statusCode, state.value.value]).toEqual([StatusCodes.Good, 'normal']);
  });

  it('a wrong password is refused', async () => {
    await expect(
      openUaSession(endpoint, NAMESPACE, { userName: SCADA.userName, password: 'wrong-password' }),
    ).rejects.toThrow(/BadUserAccessDenied|BadIdentityTokenRejected/);
  });

  it("a PLC that stops answering: its channels turn BadNoCommunication and the asset's score UncertainLastUsableValue, the last score kept", async ({
    onTestFinished,
  }) => {
    const own = await startLine('store-cut.db');
    onTestFinished(() => own.close());
    const ua = await openUaSession(own.endpoint, NAMESPACE, SCADA);
    onTestFinished(() => ua.close());
    const uncertain = nextValues(
      ua.session,
      `ns=${ua.ns};s=pump-1/Anomaly/Score`,
      1,
      (v) => v.statusCode === StatusCodes.UncertainLastUsableValue,
    );
    const noCommunication = nextValues(
      ua.session,
      `ns=${ua.ns};s=pump-1/Channels/pressure`,
      1,
      (v) => v.statusCode === StatusCodes.BadNoCommunication,
    );
    await own.stopPlcs();
    const [[score]] = await Promise.all([uncertain, noCommunication]);
    expect(own.published.get(`pump-1@${score.sourceTimestamp!.getTime()}`)?.score).toBe(score.value.value);
  });
});
