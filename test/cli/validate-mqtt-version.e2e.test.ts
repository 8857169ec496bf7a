/**
 * `linewatch validate` of a configuration whose cloud.mqtt leaves protocol_version to its default, which became MQTT 5:
 * it says so on stderr as a note, with how to keep 3.1.1, and still exits 0 (the configuration is valid). Before, it
 * said nothing, and an upgraded gateway whose broker lacks MQTT 5 found out at its first connect.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

async function configWith(mqtt: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-validate-mqtt-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(
    file,
    `cloud:\n  mqtt:\n    url: mqtt://broker:1883\n${mqtt}sources:\n` +
      '  - { name: ua, type: opcua, endpoint: "opc.tcp://plc:4840", asset: press-1, nodes: [{ channel: force, node_id: "ns=2;s=f" }] }\n',
  );
  return file;
}

describe('linewatch validate and the MQTT 5 default', () => {
  it('notes a cloud.mqtt without protocol_version, exit 0; says nothing where it is set', async () => {
    const file = await configWith('');
    const left = await runCli(['validate', '--config', file]);
    expect([left.code, left.stdout, left.stderr]).toEqual([
      0,
      `${file}: OK (1 source(s), 1 tag(s), 0 asset(s) with models: none)\n`,
      'linewatch: note: cloud.mqtt.protocol_version is not set, so cloud sync and release notices connect with MQTT 5, ' +
        'the default since this release (before, MQTT 3.1.1); a broker without MQTT 5 refuses them. Set ' +
        'cloud.mqtt.protocol_version: 4 to keep MQTT 3.1.1 (or 5 to say it and end this note)\n',
    ]);
    const pinned = await runCli(['validate', '--config', await configWith('    protocol_version: 4\n')]);
    expect([pinned.code, pinned.stderr]).toEqual([0, '']);
  }, 60_000);
});
