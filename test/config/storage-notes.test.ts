/**
 * A configuration without storage (issue: it validated, ran with `"sinks": []` and stored nothing, without a word):
 * what it keeps nowhere is named, as validate's note and as a warning when the gateway creates its sinks.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { noStorageNote } from '../../src/config/storage-notes.js';
import { addGatewaySinks, type GatewaySinks } from '../../src/runtime/gateway-sinks.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';

const config = async (yaml: string) => (await parseConfig(SOURCES + yaml, '/etc/linewatch/gateway.yaml', {})).config;
/** One OPC UA source and no asset: nothing to load. */
const SOURCES =
  'sources:\n  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, ' +
  'nodes: [{ channel: force, node_id: "ns=2;s=f" }] }\n';
const CLOUD = 'cloud:\n  mqtt:\n    url: mqtt://broker:1883\n    buffer: { type: memory }\n';
const INFLUX = 'storage:\n  influxdb: { url: "http://influx:8086", database: plant, buffer: { type: memory } }\n';
const HOW =
  'and alarm states start normal at each restart (no alarm journal). Add storage.local (a SQLite file on this box: ' +
  '"storage: { local: {} }") or storage.influxdb (docs/influxdb.md)';

describe('a configuration without storage', () => {
  it.each([
    ['nothing at all', '', 'raw samples, scores, alarms and part results are kept nowhere, '],
    [
      'an empty storage section (storage: {})',
      'storage: {}\n',
      'raw samples, scores, alarms and part results are kept nowhere, ',
    ],
    [
      'cloud sync only: what the cloud gets is left out',
      CLOUD,
      'raw samples and scores are kept nowhere; cloud.mqtt sends only minute summaries, alarms and part results, ',
    ],
    [
      'cloud sync without alarms and parts',
      CLOUD.replace('    buffer', '    publish_alarms: false\n    publish_parts: false\n    buffer'),
      'raw samples, scores, alarms and part results are kept nowhere; cloud.mqtt sends only minute summaries, ',
    ],
  ])('%s: named', async (_, yaml, lost) => {
    expect(noStorageNote(await config(yaml))).toBe(`no storage configured: ${lost}${HOW}`);
  });

  it('with storage.local or storage.influxdb: no note', async () => {
    expect(noStorageNote(await config('storage:\n  local: {}\n'))).toBeUndefined();
    expect(noStorageNote(await config(INFLUX + CLOUD))).toBeUndefined();
  });

  it('the gateway warns once as it creates its sinks, and not where InfluxDB is configured', async () => {
    const created = async (yaml: string) => {
      const log = logLines();
      const into: GatewaySinks = { sinks: [], healthTargets: [], sinkWatches: [] };
      const loaded = await parseConfig(SOURCES + yaml, '/etc/linewatch/gateway.yaml', {});
      addGatewaySinks(
        into,
        loaded,
        { logger: log.logger, metrics: new GatewayMetrics() },
        {
          models: () => undefined,
          journalGapRecorded: () => undefined,
        },
      );
      for (const sink of into.sinks) await sink.close();
      return log.at(40);
    };
    expect(await created('')).toEqual([
      `no storage configured: raw samples, scores, alarms and part results are kept nowhere, ${HOW}`,
    ]);
    expect(await created(INFLUX)).toEqual([]);
  });
});
