/** storage.sparkplug: what the loader refuses, naming the key, and what it takes by default. */
import { describe, expect, it } from 'vitest';
import { recordMetrics } from '../../../src/sinks/sparkplug/device-metrics.js';
import { deviceTopic } from '../../../src/sinks/sparkplug/payloads.js';
import { sparkplugSinkType } from '../../../src/sinks/sparkplug/sink-type.js';
import { goodSample } from '../../../src/testing/samples.js';
import { accepted, issuesOf } from '../../helpers/config-issues.js';

const SOURCE =
  'sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, ' +
  'nodes: [{ channel: force, node_id: "ns=2;s=f" }] }\n';
const withSparkplug = (section: string) => `${SOURCE}storage:\n  sparkplug: ${section}\n`;

describe('storage.sparkplug configuration', () => {
  it('without a broker URL is refused, naming storage.sparkplug.url', async () => {
    const issues = await issuesOf(withSparkplug('{ group_id: plant }'));
    expect(issues.filter((i) => i.startsWith('storage.sparkplug.url: '))).toHaveLength(1);
  });

  it.each(['plant/line', 'plant+', '#'])('a group_id %s is refused, naming the key', async (id) => {
    const issues = await issuesOf(withSparkplug(`{ url: "mqtt://scada:1883", group_id: "${id}" }`));
    expect(issues).toContain(
      'storage.sparkplug.group_id: no "/", "+" or "#": a Sparkplug id is one topic level (MQTT separator and wildcards)',
    );
  });

  it('an edge_node_id with a wildcard is refused, naming the key', async () => {
    const issues = await issuesOf(withSparkplug('{ url: "mqtt://scada:1883", edge_node_id: "gw+" }'));
    expect(issues).toContain(
      'storage.sparkplug.edge_node_id: no "/", "+" or "#": a Sparkplug id is one topic level (MQTT separator and wildcards)',
    );
  });

  it('a primary_host_id with a separator is refused, naming the key', async () => {
    const issues = await issuesOf(withSparkplug('{ url: "mqtt://scada:1883", primary_host_id: "scada/1" }'));
    expect(issues).toContain(
      'storage.sparkplug.primary_host_id: no "/", "+" or "#": a Sparkplug id is one topic level (MQTT separator and wildcards)',
    );
  });

  it('an asset or channel name with a topic separator or wildcard (a device id, a metric name) is refused where named', async () => {
    const issues = await issuesOf(
      'sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press/1, ' +
        'nodes: [{ channel: "f#1", node_id: "ns=2;s=f" }] }\nstorage:\n  sparkplug: { url: "mqtt://scada:1883" }\n',
    );
    expect(issues).toEqual([
      'sources[0].asset: expected a name of letters, digits, "_", "." or "-"',
      'sources[0].nodes[0].channel: expected a name of letters, digits, "_", "." or "-"',
    ]);
  });

  it('a "." in an asset or channel name (allowed by Sparkplug 3.0) is taken and sent as it is', async () => {
    const config = await accepted(
      'sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press.1, ' +
        'nodes: [{ channel: flow.in, node_id: "ns=2;s=f" }] }\nstorage:\n  sparkplug: { url: "mqtt://scada:1883" }\n',
    );
    const publish = config.storage!.sparkplug!.publish;
    const sample = { ...goodSample('flow.in', 1000, 5), asset: 'press.1' };
    const metrics = recordMetrics({ samples: [sample], scores: [], alarms: [] }, publish);
    expect(
      [...metrics].map(([device, m]) => [deviceTopic({ group: 'g', node: 'n' }, 'DDATA', device), m[0].name]),
    ).toEqual([['spBv1.0/g/DDATA/n/press.1', 'values/flow.in']]);
  });

  it('defaults: every record published, changes at most once a second, any change sent, bdSeq under data_dir', async () => {
    const config = await accepted(withSparkplug('{ url: "mqtt://scada:1883" }'));
    expect(config.storage?.sparkplug).toEqual({
      url: 'mqtt://scada:1883',
      protocol_version: 5,
      publish: { values: true, scores: true, alarms: true, parts: true },
      publish_interval_ms: 1000,
      deadband: 0,
      bdseq_file: '/etc/linewatch/data/sparkplug-bdseq',
    });
  });

  it('the sample validates', async () => {
    const config = await accepted(withSparkplug(`\n${sparkplugSinkType.sample.replace(/^/gm, '    ')}`));
    expect(config.storage?.sparkplug?.group_id).toBe('plant1-line1');
  });
});
