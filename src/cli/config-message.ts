/**
 * `linewatch config sign | publish`: the publishing side of remote configuration (src/remote-config). `sign` reads a
 * YAML configuration as a gateway will (without the environment; no key only the gateway's local file sets), and
 * writes the signed message for one gateway (`--target NAME`) or the fleet (`--target '*'`). `publish` verifies the
 * message against the public key the gateways hold, then publishes it retained, QoS 1, on `<prefix>/<target>/config`
 * or `<prefix>/config`, where the gateways listen; the broker's login comes from the environment, as for model publish.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readRegularFile, regularFileErrorText } from '../core/regular-file.js';
import { readRemoteTree } from '../remote-config/compose.js';
import {
  configBodySchema,
  ConfigRefused,
  FLEET_TARGET,
  openConfigMessage,
  signConfigMessage,
} from '../remote-config/message.js';
import { checkProtectedKeys } from '../remote-config/rules.js';
import { configTopic } from '../remote-config/topics.js';
import { DEFAULT_MAX_CONFIG_BYTES } from '../sync/schema.js';
import { readPrivateKey, readPublicKeys } from '../sync/release.js';
import { formatIssues } from '../core/format-issues.js';
import { brokerOf, protocolVersionOf, publishRetained, type BrokerFlags } from './model-publish.js';
import { reportError } from './report-error.js';
import { sequenceFlag } from './sequence-flag.js';
import { UsageError } from './usage.js';

export interface ConfigSignOptions {
  readonly config: string;
  readonly key: string;
  readonly sequence: string;
  readonly target: string;
  readonly out: string;
}

export async function configSignCommand(opts: ConfigSignOptions): Promise<number> {
  try {
    const sequence = sequenceFlag(
      opts.sequence,
      'every configuration signed for these gateways before (a gateway takes only a higher one)',
    )!;
    const flags = configBodySchema.shape;
    const target = flags.target.safeParse(opts.target);
    if (!target.success)
      throw new UsageError(
        `--target ${opts.target}: expected a gateway's name (gateway.name) or "${FLEET_TARGET}" for every gateway: ${formatIssues(target.error.issues).join('; ')}`,
      );
    const key = await readPrivateKey(resolve(opts.key));
    const file = resolve(opts.config);
    const yaml = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--config ${file}: ${err.code ?? err.message}`);
    });
    checkProtectedKeys(readRemoteTree(yaml, file), file);
    const message = signConfigMessage({ sequence, target: target.data, yaml }, key);
    if (message.length > DEFAULT_MAX_CONFIG_BYTES)
      process.stderr.write(
        `linewatch: warning: the message is ${message.length} bytes, over the ${DEFAULT_MAX_CONFIG_BYTES} gateways take by default (cloud.remote_config.max_message_bytes)\n`,
      );
    await writeFile(resolve(opts.out), message);
    process.stdout.write(`signed: ${resolve(opts.out)} (sequence ${sequence}, target ${target.data})\n`);
    return 0;
  } catch (err) {
    return reportRefusal(err);
  }
}

export interface ConfigPublishOptions extends BrokerFlags {
  readonly message: string;
  readonly publicKey: string;
  readonly prefix: string;
}

export async function configPublishCommand(
  opts: ConfigPublishOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    if (opts.prefix === '' || /[#+]/.test(opts.prefix))
      throw new UsageError(`--prefix ${opts.prefix}: expected the gateways' cloud.mqtt.topic_prefix (no # or +)`);
    const version = protocolVersionOf(opts);
    const path = resolve(opts.message);
    const bytes = await readRegularFile(path, DEFAULT_MAX_CONFIG_BYTES).catch((err: unknown) => {
      throw new UsageError(`--message ${path}: ${regularFileErrorText(err)}`);
    });
    const keys = await readPublicKeys(resolve(opts.publicKey));
    // Checked as a gateway checks it (signature, body), for the gateway it names: a message every gateway would
    // refuse is never published.
    const target = peekTarget(bytes);
    const body = openConfigMessage(bytes, path, keys, target, DEFAULT_MAX_CONFIG_BYTES);
    const topic = configTopic(opts.prefix, body.target);
    await publishRetained(brokerOf(opts, env), version, topic, bytes, 'configuration').catch((err: Error) => {
      throw new Error(`--broker ${opts.broker}: ${err.message}`, { cause: err });
    });
    process.stdout.write(`published: ${path} (sequence ${body.sequence}) retained on ${topic} at ${opts.broker}\n`);
    return 0;
  } catch (err) {
    return reportRefusal(err);
  }
}

/** The target a message's body names, read before its signature only to pick the topic (openConfigMessage checks
 * it). */
export function peekTarget(bytes: Buffer): string {
  try {
    const body = JSON.parse(bytes.subarray(bytes.indexOf(0x0a) + 1).toString('utf8')) as { target?: unknown };
    return typeof body.target === 'string' ? body.target : FLEET_TARGET;
  } catch {
    return FLEET_TARGET;
  }
}

/** Reports a ConfigRefused as `linewatch: <code>: <why>` (exit 1), anything else as reportError does. */
export function reportRefusal(err: unknown): number {
  if (!(err instanceof ConfigRefused)) return reportError(err);
  process.stderr.write(`linewatch: ${err.code}: ${err.message}\n`);
  return 1;
}
