/**
 * A remote configuration intake beside a local gateway file, for tests that take messages without a broker: a folder
 * of its own with fresh keys, `<dir>/gateway.yaml` (writeLocalGateway: gateway press-3, a Modbus source on `port`,
 * `extra` at the top; `tail` appended), its state in `<dir>/data`, and a signer with the private key.
 */
import type { KeyObject } from 'node:crypto';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigIntake } from '../../src/remote-config/intake.js';
import { signConfigMessage, type ConfigBody } from '../../src/remote-config/message.js';
import { RemoteConfigStore } from '../../src/remote-config/store.js';
import { generateKeys, readPrivateKey, readPublicKeys } from '../../src/sync/release.js';
import { writeLocalGateway } from './remote-config-files.js';

export interface IntakeBeside {
  readonly dir: string;
  readonly localFile: string;
  readonly intake: ConfigIntake;
  readonly key: KeyObject;
  sign(body: ConfigBody): Buffer;
}

/** `prepare` runs in the folder before the local file is written (a secret file it names). */
export async function intakeBeside(o: {
  readonly port: number;
  readonly extra?: string;
  readonly tail?: string;
  readonly prepare?: (dir: string) => Promise<void>;
}): Promise<IntakeBeside> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-remote-intake-'));
  const keys = await generateKeys(join(dir, 'keys'));
  const key = await readPrivateKey(keys.privatePath);
  await o.prepare?.(dir);
  const localFile = await writeLocalGateway(dir, {
    mqtt: 'url: mqtt://127.0.0.1:1883',
    publicKey: 'keys/release-signing.pub.pem',
    port: o.port,
    ...(o.extra ? { extra: o.extra } : {}),
  });
  if (o.tail) await appendFile(localFile, o.tail);
  const intake = new ConfigIntake({
    localFile,
    keys: await readPublicKeys(keys.publicPath),
    gateway: 'press-3',
    maxBytes: 256 * 1024,
    store: new RemoteConfigStore(join(dir, 'data'), 256 * 1024),
  });
  return { dir, localFile, intake, key, sign: (body) => signConfigMessage(body, key) };
}
