/**
 * An OPC UA source for the tests of max_message_bytes (blob-opcua-server.ts): named `bound`, asset `line`, publishing
 * every 100 ms, on nodes `ns=1;s=<channel>`, configured at `sources[0]`, with a real logger and metrics to read, and
 * the batches it delivers, which a test can wait on.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opcuaSourceSchema } from '../../src/config/schema.js';
import type { Sample } from '../../src/core/types.js';
import { OpcuaSource } from '../../src/sources/opcua/opcua-source.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import type { BlobServer } from './blob-opcua-server.js';
import { logLines } from './log-lines.js';

export function boundOpcuaSource(url: string, nodes: string[], maxMessageBytes?: number, extra: object = {}) {
  const log = logLines();
  const metrics = new GatewayMetrics();
  const config = opcuaSourceSchema.parse({
    name: 'bound',
    type: 'opcua',
    endpoint: url,
    asset: 'line',
    publishing_interval_ms: 100,
    ...(maxMessageBytes ? { max_message_bytes: maxMessageBytes } : {}),
    pki_dir: mkdtempSync(join(tmpdir(), 'lw-bound-client-pki-')),
    nodes: nodes.map((n) => ({ channel: n, node_id: `ns=1;s=${n}` })),
    ...extra,
  });
  const batches: Sample[][] = [];
  const arrived = new EventEmitter();
  const source = new OpcuaSource(config, { logger: log.logger, metrics, where: 'sources[0]' });
  const counted = async (kind: string) =>
    (await metrics.sourceErrors.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
  /** The first sample that matches, delivered already or later, in batch `from` or after. */
  const next = (matches: (s: Sample) => boolean, from = 0) =>
    new Promise<Sample>((resolve) => {
      const look = () => {
        const found = batches.slice(from).flat().find(matches);
        if (!found) return;
        arrived.off('batch', look);
        resolve(found);
      };
      arrived.on('batch', look);
      look();
    });
  const start = () =>
    source.start((b) => {
      batches.push([...b]);
      arrived.emit('batch');
    });
  return { source, log, metrics, batches, counted, next, start };
}

/** A client PKI folder that trusts `server`'s certificate already: every connect goes as far as the secure channel. */
export function trustingPki(server: BlobServer): string {
  const pki = mkdtempSync(join(tmpdir(), 'lw-bound-trusting-pki-'));
  mkdirSync(join(pki, 'trusted', 'certs'), { recursive: true });
  writeFileSync(join(pki, 'trusted', 'certs', 'server.der'), server.server.getCertificate());
  return pki;
}
