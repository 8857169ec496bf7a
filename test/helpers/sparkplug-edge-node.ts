/** A Sparkplug B edge node and a decoding host application on one real broker, for the e2e tests of the sink. */
import type { AssetOutline } from '../../src/core/asset-outline.js';
import { SparkplugEdgeNode } from '../../src/sinks/sparkplug/edge-node.js';
import { sparkplugSchema } from '../../src/sinks/sparkplug/schema.js';
import { goodSample } from '../../src/testing/samples.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines, type LogLines } from './log-lines.js';
import { sparkplugHost, type HostMessage, type SparkplugHost } from './sparkplug-host.js';

export const GROUP = 'plant-line';

export interface Session {
  readonly sink: SparkplugEdgeNode;
  readonly host: SparkplugHost;
  readonly log: LogLines;
  readonly metrics: GatewayMetrics;
}

export type WithEdgeNode = (
  node: string,
  run: (s: Session) => Promise<void>,
  options?: { url?: string; settings?: Record<string, unknown>; assets?: readonly AssetOutline[] },
) => Promise<void>;

/**
 * Runs an edge node `node` (not started, DDATA at each write) and a host application on the broker at `brokerUrl()`,
 * closed after `run`.
 */
export function edgeNodeSessions(brokerUrl: () => string): WithEdgeNode {
  return async (node, run, { url = brokerUrl(), settings = {}, assets } = {}) => {
    const host = await sparkplugHost(brokerUrl(), GROUP);
    const log = logLines('info');
    const metrics = new GatewayMetrics();
    const config = sparkplugSchema.parse({
      url,
      group_id: GROUP,
      edge_node_id: node,
      publish_interval_ms: 0,
      ...settings,
    });
    const sink = new SparkplugEdgeNode(
      config,
      { group: GROUP, node },
      {
        logger: log.logger,
        metrics,
        ...(assets ? { assets } : {}),
      },
    );
    try {
      await run({ sink, host, log, metrics });
    } finally {
      await sink.close();
      await host.end();
    }
  };
}

/** Matches the messages of `node` of a type (and device). */
export const of = (node: string, type: string, device?: string) => (m: HostMessage) =>
  m.node === node && m.type === type && (device === undefined || m.device === device);

/** One good sample of channel `flow` (asset `a`). */
export const flow = (ts: number, value: number) => ({
  samples: [goodSample('flow', ts, value)],
  scores: [],
  alarms: [],
});
