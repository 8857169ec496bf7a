/**
 * A percent deadband on a node without an EURange: the server refuses the filter (node-opcua's servers:
 * BadMonitoredItemFilterUnsupported), which a walk from Telegraf found logged as `monitoring parameters refused:
 * ErrorBadMonitoredItemFilterUnsupported`, with neither cause nor fix. The warning names the node and channel, says the
 * percent deadband needs the node's EURange, and what to write instead; the node's values still come.
 * Regression (the next session's walk): the warning said the deadband was not applied, not whether the node's sampling
 * interval and queue size, asked in the same request, were. They are now asked again without the deadband, and the
 * warning gives what the server granted.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimOpcuaServer, type SimOpcuaServer } from '../../../src/sim/opcua-server.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

let server: SimOpcuaServer;

beforeAll(async () => {
  server = await startSimOpcuaServer(new LineSimulator({ seed: 7 }), {
    port: 0,
    pkiDir: await mkdtemp(join(tmpdir(), 'lw-ua-deadband-server-')),
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('OPC UA percent deadband on a node without an EURange', () => {
  it('is named with its node and channel, the cause and the fix; the values still come', async () => {
    const log = logLines('info');
    const config = opcuaSourceSchema.parse({
      name: 'plc',
      type: 'opcua',
      endpoint: server.endpointUrl,
      asset: 'pump-1',
      publishing_interval_ms: 200,
      pki_dir: await mkdtemp(join(tmpdir(), 'lw-ua-deadband-client-')),
      nodes: [
        {
          channel: 'force',
          node_id: 'nsu=urn:linewatch:sim;s=Press1.force',
          deadband: { type: 'absolute', value: 0.5 },
        },
        {
          channel: 'flow',
          node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow',
          deadband: { type: 'percent', value: 1 },
          sampling_interval_ms: 500,
          queue_size: 5,
        },
      ],
    });
    const source = new OpcuaSource(config, { logger: log.logger, metrics: new GatewayMetrics(), where: 'sources[0]' });
    const batches: Sample[][] = [];
    let flowCame!: () => void;
    const flowGood = new Promise<void>((resolve) => (flowCame = resolve));
    await source.start((b) => {
      batches.push([...b]);
      if (b.some((s) => s.channel === 'flow' && s.quality === 'good')) flowCame();
    });
    try {
      const refused = await log.next(/nodes\[1\]/);
      expect([refused.level, refused.channel, refused.msg]).toEqual([
        40,
        'flow',
        `device plc (${server.endpointUrl}): sources[0].nodes[1].node_id nsu=urn:linewatch:sim;s=Pump1.flow ` +
          "(channel flow): its percent deadband was refused: a percent deadband is a percentage of the node's EURange " +
          '(engineering range) property, and this node has none (BadMonitoredItemFilterUnsupported); its sampling ' +
          'interval and queue size were applied without it (every 500 ms, queue size 5): its values come at every ' +
          "change, with no deadband: write an absolute one in the value's units (deadband: { type: absolute, value: … " +
          '}), or none',
      ]);
      await flowGood;
      expect(log.lines.filter((l) => /nodes\[0\]/.test(l.msg))).toEqual([]);
    } finally {
      await source.stop();
    }
  }, 60_000);
});
