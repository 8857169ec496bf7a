/**
 * `linewatch validate` of a configuration whose cloud.mqtt or MQTT source leaves protocol_version to its default,
 * which became MQTT 5: it says so on stderr as a note, with how to keep 3.1.1, and still exits 0 (the configuration is
 * valid).
 * Before, it said nothing, and an upgraded gateway whose broker lacks MQTT 5 found out at its first connect.
 * test/config/mqtt-version-notes.test.ts has the mqtt_publish actions' notes.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** A configuration with cloud.mqtt (`mqtt`: more of its keys) and an OPC UA source, then `sources` (more of them). */
async function configWith(mqtt: string, sources = ''): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-validate-mqtt-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(
    file,
    `storage: { local: {} }\ncloud:\n  mqtt:\n    url: mqtt://broker:1883\n${mqtt}sources:\n` +
      '  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, nodes: [{ channel: force, node_id: "ns=2;s=f" }] }\n' +
      sources,
  );
  return file;
}

/** What validate says of `file`: its exit code, stdout and stderr. */
async function validated(file: string): Promise<[number | null, string, string]> {
  const r = await runCli(['validate', '--config', file]);
  return [r.code, r.stdout, r.stderr];
}

/** These configurations have no assets: validate notes first that the gateway records only (config-notes.ts). */
const RECORD_ONLY =
  'linewatch: note: no assets configured: the gateway records the channels of its sources and scores none (to score ' +
  'them, add assets, each with a model: docs/models.md, "A detector for your own machine, step by step")\n';

const HUB =
  '  - { name: hub, type: mqtt, url: "mqtt://hub:1883", asset: press-1, tags: [{ channel: flow, topic: t/flow }] }\n';

describe('linewatch validate and the MQTT 5 default', () => {
  it.each([
    [
      'a cloud.mqtt without protocol_version',
      '',
      '',
      '1 source(s), 1 tag(s)',
      'cloud.mqtt.protocol_version is not set, so cloud sync and release notices connect with MQTT 5, the default ' +
        'since this release (before, MQTT 3.1.1); a broker without MQTT 5 refuses them. Set ' +
        'cloud.mqtt.protocol_version: 4',
    ],
    [
      'an MQTT source without protocol_version, by its path and name, beside a pinned cloud.mqtt',
      '    protocol_version: 5\n',
      HUB,
      '2 source(s), 2 tag(s)',
      'sources[1].protocol_version is not set, so the MQTT source hub connects with MQTT 5, the default since this ' +
        'release (before, MQTT 3.1.1); a broker without MQTT 5 refuses it. Set sources[1].protocol_version: 4',
    ],
  ])(
    'notes %s, exit 0',
    async (_, mqtt, sources, counted, note) => {
      const file = await configWith(mqtt, sources);
      expect(await validated(file)).toEqual([
        0,
        `${file}: OK (${counted}, 0 asset(s) with models: none)\n`,
        `${RECORD_ONLY}linewatch: note: ${note} to keep MQTT 3.1.1 (or 5 to say it and end this note)\n`,
      ]);
    },
    60_000,
  );

  it('says nothing of MQTT versions where each sets it', async () => {
    const file = await configWith('    protocol_version: 4\n', HUB.replace(' }\n', ', protocol_version: 4 }\n'));
    expect(await validated(file)).toEqual([
      0,
      `${file}: OK (2 source(s), 2 tag(s), 0 asset(s) with models: none)\n`,
      RECORD_ONLY,
    ]);
  }, 60_000);
});
