import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigIntake } from '../../src/remote-config/intake.js';
import { signConfigMessage, type ConfigBody } from '../../src/remote-config/message.js';
import { RemoteConfigStore, RUNNING_FILE } from '../../src/remote-config/store.js';
import { generateKeys, readPrivateKey, readPublicKeys } from '../../src/sync/release.js';
import { ROOT } from '../helpers/cli.js';
import { PUMP_MODEL, pumpYaml, writeLocalGateway } from '../helpers/remote-config-files.js';

/** The configuration's body: a Modbus source on `port` feeding pump-1, and `extra` at the top. */
const yaml = (port: number, extra = '') => pumpYaml({ port, extra });
const MODEL = PUMP_MODEL;

let dir: string;
let localFile: string;
let intake: ConfigIntake;
let store: RemoteConfigStore;
let sign: (body: ConfigBody) => Buffer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-config-'));
  const keys = await generateKeys(join(dir, 'keys'));
  const key = await readPrivateKey(keys.privatePath);
  sign = (body) => signConfigMessage(body, key);
  localFile = join(dir, 'gateway.yaml');
  await writeLocalGateway(dir, {
    mqtt: 'url: mqtt://127.0.0.1:1883, password: "${CLOUD_PASSWORD}"',
    publicKey: 'keys/release-signing.pub.pem',
    port: 5020,
    extra: `storage: { local: { path: ${dir}/local.db } }`,
  });
  store = new RemoteConfigStore(join(dir, 'data'), 256 * 1024);
  intake = new ConfigIntake({
    localFile,
    keys: await readPublicKeys(keys.publicPath),
    gateway: 'press-3',
    maxBytes: 256 * 1024,
    store,
    env: { CLOUD_PASSWORD: 'secret' },
  });
});

const TOPIC = 'mqtt linewatch/press-3/config';

async function refusal(bytes: Uint8Array): Promise<{ code: string; message: string }> {
  try {
    await intake.take(bytes, TOPIC);
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('taken');
}

describe('remote configuration intake', () => {
  it('takes a signed configuration for this gateway, with the local cloud, http and data_dir, and keeps it', async () => {
    const message = sign({ sequence: 1, target: 'press-3', yaml: yaml(5500) });
    const taken = await intake.take(message, TOPIC);
    if (taken === 'running') throw new Error('running');
    expect(taken.sequence).toBe(1);
    const source = taken.loaded.config.sources[0];
    expect(source.type === 'modbus_tcp' && source.port).toBe(5500);
    expect(taken.loaded.config.cloud.mqtt?.url).toBe('mqtt://127.0.0.1:1883');
    expect(taken.loaded.config.cloud.mqtt?.password).toBe('secret');
    expect(taken.loaded.config.data_dir).toBe(join(dir, 'data'));
    expect(taken.loaded.config.http.port).toBe(0);
    expect(taken.loaded.config.gateway.name).toBe('press-3');
    expect(await readFile(join(store.dir, RUNNING_FILE))).toEqual(message);
    expect(store.floor()).toBe(1);
  });

  it('takes a fleet message, and passes over the running one delivered again', async () => {
    const message = sign({ sequence: 4, target: '*', yaml: yaml(5500) });
    expect(await intake.take(message, 'mqtt linewatch/config')).not.toBe('running');
    intake.running = 4;
    expect(await intake.take(message, 'mqtt linewatch/config')).toBe('running');
  });

  it('refuses a message over max_message_bytes unread (too_large)', async () => {
    const r = await refusal(Buffer.alloc(256 * 1024 + 1, 0x41));
    expect(r.code).toBe('too_large');
    expect(r.message).toBe(`${TOPIC}: 262145 bytes, over cloud.remote_config.max_message_bytes 262144`);
  });

  it('refuses a message without a signature line (bad_message)', async () => {
    const r = await refusal(Buffer.from(JSON.stringify({ sequence: 1, target: 'press-3', yaml: yaml(5500) })));
    expect(r.code).toBe('bad_message');
    expect(r.message).toBe(
      `${TOPIC}: no signature line: a configuration message is the signature's line, then the signed body (linewatch config sign writes it)`,
    );
  });

  it('refuses a body changed after signing (bad_signature)', async () => {
    const message = sign({ sequence: 1, target: 'press-3', yaml: yaml(5500) });
    const r = await refusal(Buffer.from(message.toString('utf8').replace('5500', '5900')));
    expect(r.code).toBe('bad_signature');
    expect(r.message).toMatch(/the signature does not verify against cloud\.remote_config\.public_key_file/);
  });

  it('refuses a signed body that is not a configuration message (bad_message)', async () => {
    const r = await refusal(sign({ sequence: 0, target: 'press-3', yaml: yaml(5500) }));
    expect(r.code).toBe('bad_message');
    expect(r.message).toBe(`${TOPIC}: the signed body: sequence: Too small: expected number to be >=1`);
  });

  it('refuses a sequence above the ceiling 2^52 (bad_message): no higher one could follow it; takes 2^52', async () => {
    const r = await refusal(sign({ sequence: Number.MAX_SAFE_INTEGER, target: 'press-3', yaml: yaml(5500) }));
    expect(r.code).toBe('bad_message');
    expect(r.message).toBe(
      `${TOPIC}: sequence 9007199254740991, above the ceiling 4503599627370496 (2^52): no higher sequence could follow it; sign it with a sequence from 1 to 4503599627370496`,
    );
    const taken = await intake.take(sign({ sequence: 2 ** 52, target: 'press-3', yaml: yaml(5500) }), TOPIC);
    expect(taken).toMatchObject({ sequence: 4503599627370496 });
  });

  it('refuses a message signed for another gateway (wrong_target)', async () => {
    const r = await refusal(sign({ sequence: 1, target: 'press-4', yaml: yaml(5500) }));
    expect(r.code).toBe('wrong_target');
    expect(r.message).toMatch(/signed for gateway press-4, and this is press-3/);
  });

  it('refuses an older or equal sequence (not_newer), keeping the one taken', async () => {
    await intake.take(sign({ sequence: 5, target: 'press-3', yaml: yaml(5500) }), TOPIC);
    const r = await refusal(sign({ sequence: 5, target: '*', yaml: yaml(5700) }));
    expect(r.code).toBe('not_newer');
    expect(r.message).toMatch(/sequence 5, not above 5, the highest applied or rolled back here/);
    expect((await refusal(sign({ sequence: 2, target: 'press-3', yaml: yaml(5700) }))).code).toBe('not_newer');
    expect((await readFile(join(store.dir, RUNNING_FILE))).toString()).toContain('port: 5500');
  });

  it('refuses an invalid configuration naming the path in it, as validate does (invalid_config)', async () => {
    const r = await refusal(sign({ sequence: 1, target: 'press-3', yaml: yaml(70000) }));
    expect(r.code).toBe('invalid_config');
    expect(r.message).toBe(
      `${TOPIC} (sequence 1): invalid configuration:\n  sources[0].port: Too big: expected number to be <=65535`,
    );
    expect(store.floor()).toBe(0);
  });

  it.each([
    ['cloud', 'cloud: { mqtt: { url: mqtt://evil.example:1883 } }', 'cloud'],
    ['http.port', 'http: { port: 9999 }', 'http.port'],
    ['http.api_token', 'http: { api_token: mine }', 'http.api_token'],
    // it would open the reads of a gateway whose local file asks for read_token beyond loopback
    ['http.public_reads', 'http: { public_reads: true }', 'http.public_reads'],
    // it would let a rebinding name read /healthz, /readyz and /metrics of a gateway whose local file lists its names
    ['http.allowed_hosts', 'http: { allowed_hosts: [evil.example] }', 'http.allowed_hosts'],
    ['data_dir', 'data_dir: /tmp/elsewhere', 'data_dir'],
    // it would open an OPC UA server to the plant network, anonymous, without a signature
    [
      'storage.opcua_server',
      'storage: { opcua_server: { host: 0.0.0.0, allow_anonymous: true, security_modes: [None], public_reads: true } }',
      'storage.opcua_server',
    ],
    ['gateway.name', 'gateway: { name: press-9 }', 'gateway.name'],
  ])('refuses a configuration that sets %s (protected_key)', async (_, top, key) => {
    const r = await refusal(sign({ sequence: 1, target: 'press-3', yaml: yaml(5500, top) }));
    expect(r.code).toBe('protected_key');
    expect(r.message).toContain(`: ${key}: only the gateway's local configuration sets this`);
  });

  it('takes http settings other than the binding and tokens', async () => {
    const taken = await intake.take(
      sign({ sequence: 1, target: 'press-3', yaml: yaml(5500, 'http: { max_connections: 64 }') }),
      TOPIC,
    );
    expect(taken !== 'running' && taken.loaded.config.http.max_connections).toBe(64);
  });

  it('refuses a path the local file does not name at that place (path_changed)', async () => {
    const other = sign({
      sequence: 1,
      target: 'press-3',
      yaml: yaml(5500).replace(MODEL, join(ROOT, 'models/press-ae')),
    });
    const r = await refusal(other);
    expect(r.code).toBe('path_changed');
    expect(r.message).toContain(
      `: assets[0].model "${join(ROOT, 'models/press-ae')}": a remote configuration names only`,
    );
    const store2 = await refusal(
      sign({ sequence: 1, target: 'press-3', yaml: yaml(5500, 'storage: { local: { path: /etc/passwd } }') }),
    );
    expect(store2.code).toBe('path_changed');
    expect(store2.message).toContain(': storage.local.path "/etc/passwd"');
  });

  it('takes a path the local file names at the same place', async () => {
    const same = sign({
      sequence: 1,
      target: 'press-3',
      yaml: yaml(5500, `storage: { local: { path: ${dir}/local.db } }`),
    });
    const taken = await intake.take(same, TOPIC);
    expect(taken !== 'running' && taken.loaded.config.storage.local?.path).toBe(join(dir, 'local.db'));
  });

  it('refuses ${NAME} placeholders: read without the gateway environment (env_placeholder)', async () => {
    const r = await refusal(
      sign({ sequence: 1, target: 'press-3', yaml: yaml(5500).replace('host: 127.0.0.1', 'host: ${CLOUD_PASSWORD}') }),
    );
    expect(r.code).toBe('env_placeholder');
    expect(r.message).toContain('sources[0].host: environment variable CLOUD_PASSWORD is not set');
  });

  it('starts with the kept configuration, or the local file (saying why) where the kept one no longer verifies', async () => {
    expect((await intake.atStart()).sequence).toBeUndefined();
    await intake.take(sign({ sequence: 3, target: 'press-3', yaml: yaml(5500) }), TOPIC);
    const kept = await intake.atStart();
    expect(kept.sequence).toBe(3);
    const running = join(store.dir, RUNNING_FILE);
    await writeFile(running, (await readFile(running, 'utf8')).replace('5500', '5900'));
    const local = await intake.atStart();
    expect(local.sequence).toBeUndefined();
    expect('why' in local && local.why).toMatch(/running\.msg: the signature does not verify/);
    const source = local.loaded.config.sources[0];
    expect(source.type === 'modbus_tcp' && source.port).toBe(5020);
  });

  it('rolls back to the previous configuration, keeping the floor', async () => {
    await intake.take(sign({ sequence: 1, target: 'press-3', yaml: yaml(5500) }), TOPIC);
    await intake.take(sign({ sequence: 2, target: 'press-3', yaml: yaml(5700) }), TOPIC);
    await store.rollBack();
    expect((await intake.atStart()).sequence).toBe(1);
    expect(store.floor()).toBe(2);
    await store.rollBack();
    expect((await intake.atStart()).sequence).toBeUndefined();
  });
});
