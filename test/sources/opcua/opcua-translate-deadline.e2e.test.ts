/**
 * Regression: translating browse paths to node ids ran outside the deadline of reading in parts. Where one path's
 * translation is over max_message_bytes (a real node-opcua server made to ignore the bound, a node id of 70,000
 * characters), the paths are translated in halves, each half on a new connection: against a slow server up to
 * 2p - 1 requests for p paths, each a whole timeout_ms, with nothing to stop it (the read deadline started only after).
 * Now translating in parts starts no part after timeout_ms × (⌈log2 p⌉ + 1), as reading does.
 *
 * The server is slow on the source's clock: each translation it handles moves the injected clock on 1.5 × timeout_ms.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranslateBrowsePathsToNodeIdsRequest } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { opcuaSourceSchema } from '../../../src/config/schema.js';
import { OpcuaSource } from '../../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startBoundIgnoringBlobServer } from '../../helpers/blob-opcua-server.js';

const TIMEOUT_MS = 5000;
const PATHS = [
  { channel: 'flow', browse_path: '/Objects/1:Bound/1:flow' },
  { channel: 'speed', browse_path: '/Objects/1:Bound/1:speed' },
  { channel: 'long', browse_path: '/Objects/1:Bound/1:long' },
  { channel: 'flow_again', browse_path: '/Objects/1:Bound/1:flow' },
];

describe('browse paths translated in parts against a slow server', () => {
  it('run --once: stops at timeout_ms × (⌈log2 p⌉ + 1); the paths left bad, saying how many were translated', async () => {
    const server = await startBoundIgnoringBlobServer(16);
    let clock = 1_000_000;
    const translations: number[] = [];
    server.server.on('request', (request: { constructor: { name: string } }) => {
      if (request.constructor.name !== 'TranslateBrowsePathsToNodeIdsRequest') return;
      translations.push((request as TranslateBrowsePathsToNodeIdsRequest).browsePaths?.length ?? 0);
      clock += 1.5 * TIMEOUT_MS;
    });
    const url = server.endpoint;
    const config = opcuaSourceSchema.parse({
      name: 'bound',
      type: 'opcua',
      endpoint: url,
      asset: 'line',
      max_message_bytes: 64 * 1024,
      timeout_ms: TIMEOUT_MS,
      pki_dir: mkdtempSync(join(tmpdir(), 'lw-translate-deadline-pki-')),
      nodes: PATHS,
    });
    const source = new OpcuaSource(config, {
      logger: createLogger('silent'),
      metrics: new GatewayMetrics(),
      now: () => clock,
      where: 'sources[0]',
    });
    try {
      const samples = await source.readOnce();
      const left =
        `device bound (${url}): sources[0].nodes[%i].browse_path /Objects/1:Bound/1:%s: translating 4 browse paths in ` +
        'parts took over 15000 ms (timeout_ms 5000 × 3, one request per halving): 2 of 4 translated, this one not';
      expect(samples.map((s) => [s.channel, s.value, s.quality, s.reason])).toEqual([
        ['flow', 7.5, 'good', undefined],
        ['speed', 1450, 'good', undefined],
        ['long', Number.NaN, 'bad', left.replace('%i', '2').replace('%s', 'long (channel long)')],
        ['flow_again', Number.NaN, 'bad', left.replace('%i', '3').replace('%s', 'flow (channel flow_again)')],
      ]);
      // All four, then the halves: [flow, speed] at 1.5 × timeout_ms, [long, flow_again] at 3 × (not after the
      // deadline yet); after it (4.5 ×), neither of its halves.
      expect(translations).toEqual([4, 2, 2]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
