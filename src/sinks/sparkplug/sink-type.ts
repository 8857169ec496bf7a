/** storage.sparkplug: the gateway as a Sparkplug B edge node, each asset a device (docs/sparkplug.md). */
import { resolve } from 'node:path';
import { resolveMqttTlsPaths } from '../../core/mqtt-broker-schema.js';
import { defineSink } from '../sink-type.js';
import { SparkplugEdgeNode } from './edge-node.js';
import { sparkplugSchema } from './schema.js';

export const sparkplugSinkType = defineSink({
  key: 'sparkplug',
  schema: sparkplugSchema,
  sample: `# Each asset is a Sparkplug device of this edge node; a SCADA (Ignition's MQTT Engine) sees them by themselves.
url: mqtt://scada-broker:1883
group_id: plant1-line1      # default <gateway.site>-<gateway.line>
edge_node_id: gateway-7     # default gateway.name
publish_interval_ms: 1000   # changed metrics at most once a second per device
deadband: 0                 # any change of a value is sent
`,
  series: { writeErrorKinds: ['network'], droppedReasons: ['offline'] },
  resolvePaths(config, { baseDir, dataDir }) {
    resolveMqttTlsPaths(config, baseDir);
    config.bdseq_file = resolve(baseDir, config.bdseq_file ?? resolve(dataDir, 'sparkplug-bdseq'));
  },
  create: (config, deps) =>
    new SparkplugEdgeNode(
      config,
      {
        group: config.group_id ?? `${deps.tags.site}-${deps.tags.line}`,
        node: config.edge_node_id ?? deps.tags.gateway,
      },
      deps,
    ),
});
