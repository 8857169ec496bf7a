/**
 * Regression: token_file_sent_elsewhere. A remote configuration may name only the files the local one names at the
 * same place (path_changed), but it kept storage.influxdb.token_file and moved storage.influxdb.url to a host of its
 * own: taken, the InfluxDB sink sent "Authorization: Token <the secret in the local file>" there. A secret the local
 * configuration reads from a file now goes only where the local configuration sends it (credential_moved).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConfigIntake } from '../../src/remote-config/intake.js';
import type { ConfigBody } from '../../src/remote-config/message.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { intakeBeside } from '../helpers/remote-intake.js';

const LOCAL_INFLUX = 'http://127.0.0.1:8086';
const influx = (url: string) =>
  `storage: { influxdb: { url: "${url}", database: plant, token_file: secrets/influx_token, buffer: { type: memory } } }`;

let intake: ConfigIntake;
let sign: (body: ConfigBody) => Buffer;

beforeEach(async () => {
  ({ intake, sign } = await intakeBeside({
    port: 5020,
    extra: influx(LOCAL_INFLUX),
    prepare: async (dir) => {
      await mkdir(join(dir, 'secrets'));
      await writeFile(join(dir, 'secrets', 'influx_token'), 'the-plant-influx-token\n');
    },
  }));
});

const TOPIC = 'mqtt linewatch/press-3/config';
const message = (sequence: number, url: string) =>
  sign({ sequence, target: 'press-3', yaml: pumpYaml({ port: 5021, extra: influx(url) }) });

describe('a secret file of the local configuration in a remote one', () => {
  it('refuses token_file sent to another InfluxDB url (credential_moved), naming both urls', async () => {
    const refused = await intake.take(message(1, 'http://198.51.100.7:8086'), TOPIC).then(
      () => undefined,
      (err: { code: string; message: string }) => err,
    );
    expect({ code: refused?.code, message: refused?.message }).toEqual({
      code: 'credential_moved',
      message:
        'mqtt linewatch/press-3/config (sequence 1): storage.influxdb.token_file "secrets/influx_token" with url "http://198.51.100.7:8086/": the local configuration sends that file\'s secret only to url "http://127.0.0.1:8086/" there; a remote configuration may not send it elsewhere (keep the url, or give the secret itself, e.g. token)',
    });
    expect(intake.running).toBeUndefined();
  });

  it('takes token_file with the url the local configuration gives it (written with or without its last slash)', async () => {
    const taken = await intake.take(message(1, `${LOCAL_INFLUX}/`), TOPIC);
    if (taken === 'running') throw new Error('running');
    expect(taken.loaded.config.storage.influxdb?.url).toBe(`${LOCAL_INFLUX}/`);
    expect(taken.sequence).toBe(1);
  });
});
