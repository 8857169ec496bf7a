/**
 * Regression (walk of 2026-12-06, session 34): with every node of its OPC UA source unknown to the server, the daemon's
 * /healthz and /readyz said ok (for 85 s, until the asset went blind), and no issue named a node. Now the source stays
 * connected (its session and subscription are up) and lists each node the server has not under `issues`, and their
 * channels under `missingTags`; /readyz answers 503 from the subscription on, whether none or some of its nodes are
 * there; /healthz stays 200 (the process runs, and a restart would not give the server the nodes) with the same list.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/config/load.js';
import { freePort } from '../../../src/core/free-port.js';
import { startDaemon } from '../../../src/daemon/daemon.js';
import { logLines } from '../../helpers/log-lines.js';
import { opcuaDaemonFile } from '../../helpers/opcua-daemon-file.js';
import { PLANT_NAMESPACE, startPlcServer, type PlcServer } from '../../helpers/plc-opcua-server.js';

interface Health {
  status: string;
  sources: { name: string; connected: boolean; issues?: string[]; missingTags?: string[] }[];
}

/** The daemon of one OPC UA source `plc` of `server` with `nodes`, subscribed, for `act`; stopped after. */
async function withDaemon(
  server: PlcServer,
  nodes: string,
  act: (get: (path: string) => Promise<[number, Health]>) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-unknown-nodes-health-'));
  const file = await opcuaDaemonFile(dir, 'plc', server.endpoint, [`nodes: ${nodes}`]);
  const log = logLines('info');
  const daemon = await startDaemon(await loadConfigFile(file), log.logger);
  try {
    await log.next(/connected, subscribed$/);
    await act(async (path) => {
      const res = await fetch(`http://127.0.0.1:${daemon.http!.port}${path}`);
      return [res.status, (await res.json()) as Health];
    });
  } finally {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

it('none of its nodes on the server: /readyz 503 naming them, /healthz 200 with the same list', async () => {
  const server = await startPlcServer(await freePort(), {
    before: ['urn:linewatch:test:other'],
    setpointType: 'Double',
  });
  try {
    // The walk's mistake: the plant's index as it was before another namespace came in front of it.
    await withDaemon(
      server,
      '[{ channel: lamp, node_id: "ns=2;s=lamp" }, { channel: level, node_id: "ns=2;s=level" }]',
      async (get) => {
        const device = `device plc (${server.endpoint})`;
        const hint = (name: string, i: number, channel: string) =>
          `${device}: sources[0].nodes[${i}].node_id ns=2;s=${name} (channel ${channel}): BadNodeIdUnknown: the server ` +
          `has no node ns=2;s=${name} (namespace 2 is urn:linewatch:test:other); s=${name} is in namespace 3, ` +
          `${PLANT_NAMESPACE}: did you mean ns=3;s=${name}?`;
        const source = {
          name: 'plc',
          connected: true,
          issues: [hint('lamp', 0, 'lamp'), hint('level', 1, 'level')],
          missingTags: ['lamp', 'level'],
        };
        const [readyCode, ready] = await get('/readyz');
        expect([readyCode, ready.status, ready.sources]).toEqual([503, 'degraded', [source]]);
        const [healthCode, health] = await get('/healthz');
        expect([healthCode, health.status, health.sources]).toEqual([200, 'ok', [source]]);
        const [, status] = await get('/api/status');
        expect(status.sources).toEqual([{ ...source, since: expect.any(Number) }]);
      },
    );
  } finally {
    await server.close();
  }
}, 60_000);

it('some of its nodes on the server: /readyz 503 naming only the one missing', async () => {
  const server = await startPlcServer(await freePort(), { before: [], setpointType: 'Double' });
  try {
    const nodes = `[{ channel: lamp, node_id: "nsu=${PLANT_NAMESPACE};s=lamp" }, { channel: level, node_id: "nsu=${PLANT_NAMESPACE};s=levle" }]`;
    await withDaemon(server, nodes, async (get) => {
      const [code, ready] = await get('/readyz');
      expect([code, ready.status, ready.sources]).toEqual([
        503,
        'degraded',
        [
          {
            name: 'plc',
            connected: true,
            issues: [
              `device plc (${server.endpoint}): sources[0].nodes[1].node_id nsu=${PLANT_NAMESPACE};s=levle (channel ` +
                `level): BadNodeIdUnknown: the server has no node ns=2;s=levle (namespace 2 is ${PLANT_NAMESPACE})`,
            ],
            missingTags: ['level'],
          },
        ],
      ]);
    });
  } finally {
    await server.close();
  }
}, 60_000);
