/**
 * modbus-ingest: linewatch's Modbus source against Node-RED 4.1 with node-red-contrib-modbus
 * 5.23.3, both polling the same server (units 1..10 × 200 holding registers on one TCP
 * connection, two reads per unit) as fast as each can for the same time. The server (its own
 * process) counts the registers it serves; each client's CPU is read from /proc over the same
 * window. Node-RED: one modbus-getter per read, its output wired back to its input (a closed
 * loop), values arrive as arrays of raw registers. linewatch: every register decoded into a
 * typed sample. LINEWATCH_BENCH_MODBUS_S sets the measured seconds (default 10).
 */
import { benchChild, reply } from './bench-child.js';
import { freePort } from '../core/free-port.js';
import type { Benchmark } from './harness.js';
import { startNodeRed } from '../testing/node-red-process.js';
import { cpuSeconds } from './proc-cpu.js';

const UNITS = 10;
const REGISTERS = 200;
const WARMUP_MS = 2000;
/** The server's share of a core during the last measurement (to see whether it was the limit). */
let serverShare = 0;

interface Measured {
  readonly registersPerS: number;
  readonly cpuPer10k: number;
  readonly cpuShare: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `client` against a fresh server; measures the served registers and the client's CPU. */
async function measure(
  seconds: number,
  client: (port: number) => Promise<{ pid: number | undefined; stop(): Promise<void> }>,
): Promise<Measured> {
  const port = await freePort();
  const server = benchChild('./modbus-bench-server.js', [port, UNITS, REGISTERS]);
  await reply(server, 'ready');
  const c = await client(port);
  try {
    await sleep(WARMUP_MS);
    const { registers: r0 } = await reply<{ registers: number }>(server, 'registers', { count: true });
    const cpu0 = cpuSeconds(c.pid);
    const serverCpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const { registers: r1 } = await reply<{ registers: number }>(server, 'registers', { count: true });
    const cpu = cpuSeconds(c.pid) - cpu0;
    const elapsed = (performance.now() - t0) / 1000;
    const served = r1 - r0;
    if (served === 0) throw new Error('the client read nothing during the measurement');
    serverShare = (cpuSeconds(server.pid) - serverCpu0) / elapsed;
    return { registersPerS: served / elapsed, cpuPer10k: cpu / (served / 10_000), cpuShare: cpu / elapsed };
  } finally {
    await c.stop();
    server.kill();
  }
}

function nodeRedFlow(port: number): unknown[] {
  const client = {
    id: 'mbclient',
    type: 'modbus-client',
    name: 'bench',
    clienttype: 'tcp',
    bufferCommands: true,
    stateLogEnabled: false,
    queueLogEnabled: false,
    failureLogEnabled: false,
    tcpHost: '127.0.0.1',
    tcpPort: String(port),
    tcpType: 'DEFAULT',
    serialPort: '',
    serialType: 'RTU-BUFFERD',
    serialBaudrate: '9600',
    serialDatabits: '8',
    serialStopbits: '1',
    serialParity: 'none',
    serialConnectionDelay: '100',
    serialAsciiResponseStartDelimiter: '0x3A',
    unit_id: '1',
    commandDelay: '1',
    clientTimeout: '2000',
    reconnectOnTimeout: true,
    reconnectTimeout: '2000',
    parallelUnitIdsAllowed: true,
    showErrors: false,
    showWarnings: false,
    showLogs: false,
  };
  const getters = [];
  for (let u = 1; u <= UNITS; u++) {
    for (const adr of [0, REGISTERS / 2]) {
      const id = `get-${u}-${adr}`;
      getters.push({
        id,
        type: 'modbus-getter',
        z: 'tab',
        name: '',
        showStatusActivities: false,
        showErrors: false,
        showWarnings: false,
        logIOActivities: false,
        unitid: String(u),
        dataType: 'HoldingRegister',
        adr: String(adr),
        quantity: String(REGISTERS / 2),
        server: 'mbclient',
        useIOFile: false,
        ioFile: '',
        useIOForPayload: false,
        emptyMsgOnFail: false,
        keepMsgProperties: false,
        x: 300,
        y: 40 * getters.length + 40,
        wires: [[id], []],
      });
    }
  }
  const start = {
    id: 'start',
    type: 'inject',
    z: 'tab',
    name: 'start',
    props: [{ p: 'payload' }],
    repeat: '',
    crontab: '',
    once: false,
    onceDelay: 0.1,
    topic: '',
    payload: '1',
    payloadType: 'num',
    x: 100,
    y: 40,
    wires: [getters.map((g) => g.id)],
  };
  // Flow nodes need a position: without x/y Node-RED takes them for configuration nodes.
  return [{ id: 'tab', type: 'tab', label: 'modbus bench' }, client, start, ...getters];
}

export const modbusIngestBenchmark: Benchmark = {
  name: 'modbus-ingest',
  description:
    'linewatch Modbus source vs Node-RED 4.1 + node-red-contrib-modbus 5.23.3, 10 units × 200 registers on one connection',
  async run() {
    const seconds = Number(process.env.LINEWATCH_BENCH_MODBUS_S ?? 10);
    const shares: number[] = [];
    const nodeRed = await measure(seconds, async (port) => {
      const red = await startNodeRed({}, ['node-red-contrib-modbus']);
      await red.deploy(nodeRedFlow(port));
      await sleep(1000);
      await red.inject('start');
      return { pid: red.pid, stop: () => red.stop() };
    });
    shares.push(serverShare);
    let decoded = { samples: 0, bad: 0 };
    const linewatch = await measure(seconds, async (port) => {
      const c = benchChild('./modbus-poll-child.js', [port, UNITS, REGISTERS]);
      await reply(c, 'ready');
      return {
        pid: c.pid,
        stop: async () => {
          decoded = await reply<{ samples: number; bad: number }>(c, 'samples', { count: true });
          c.kill();
        },
      };
    });
    shares.push(serverShare);
    const fmt = (m: Measured) =>
      `${Math.round(m.registersPerS).toLocaleString('en-US')} registers/s at ${(m.cpuShare * 100).toFixed(0)}% of a core, ${m.cpuPer10k.toFixed(4)} CPU-s per 10k`;
    return {
      name: 'modbus-ingest',
      title: `Modbus ingestion, ${UNITS} units × ${REGISTERS} holding registers on one TCP connection, ${seconds} s each`,
      unit: 'per s',
      baselineName: 'Node-RED + contrib-modbus',
      candidateName: 'linewatch',
      better: 'higher',
      rows: [
        { label: 'registers read per second', baseline: nodeRed.registersPerS, candidate: linewatch.registersPerS },
        { label: '10k registers per CPU-second', baseline: 1 / nodeRed.cpuPer10k, candidate: 1 / linewatch.cpuPer10k },
      ],
      notes: [
        `Node-RED: ${fmt(nodeRed)} (raw register arrays)`,
        `linewatch: ${fmt(linewatch)} (each register decoded into a typed sample; ${decoded.samples.toLocaleString('en-US')} samples in all, ${decoded.bad} bad)`,
        `the server used ${(shares[0] * 100).toFixed(0)}% of a core serving Node-RED and ${(shares[1] * 100).toFixed(0)}% serving linewatch (2 cores here: client and server share them)`,
        'target (issue 3): >= 2x the registers/s at <= 1/2 the CPU per register, i.e. both ratios >= 2',
      ],
    };
  },
};
