/**
 * `linewatch model publish`: announces a signed release to the gateways. The release folder is checked first as a
 * gateway checks it (release-check.ts: an unsigned, tampered or invalid one is refused, naming why, and nothing is
 * published), then the release at the URL must be that folder (uploaded-release.ts); its notice ({model, version,
 * url}: release-notice.ts) is built from its signed manifest and published retained, QoS 1, on
 * `<prefix>/releases/<model name>`, where gateways listen (notice-sources.ts). The broker's credentials come from the
 * environment (LINEWATCH_MQTT_USERNAME, LINEWATCH_MQTT_PASSWORD), never from a flag that `ps` would show. It speaks
 * MQTT 5, as cloud sync does by default (cloud.mqtt.protocol_version), or 3.1.1 with `--protocol-version 4`; a broker
 * that refuses MQTT 5 is answered with that flag (mqtt-version-hints.ts).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { mqttUrlSchema } from '../core/mqtt-broker-schema.js';
import type { MqttBroker } from '../core/mqtt-connection.js';
import { publishOnce } from '../core/mqtt-publish-once.js';
import { redactCredentials } from '../core/redact.js';
import { MAX_SIGNED_SEQUENCE, SEQUENCE_CEILING_WHY } from '../core/sequence-ceiling.js';
import { formatIssues } from '../core/format-issues.js';
import { releaseNoticeSchema } from '../sync/release-notice.js';
import { checkReleaseFolder, reportReleaseError } from './release-check.js';
import { checkUploaded } from './uploaded-release.js';
import { UsageError } from './usage.js';

/** The flags naming the broker a publishing command connects to (model publish, config publish). */
export interface BrokerFlags {
  readonly broker: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The MQTT version: '5' (the default, as cloud.mqtt.protocol_version's) or '4' (3.1.1). */
  readonly protocolVersion?: string;
}

export interface PublishOptions extends BrokerFlags {
  readonly model: string;
  readonly publicKey: string;
  readonly url: string;
  readonly prefix: string;
  /** Whether the release at `url` is fetched and compared with the folder first (commander's --no-url-check). */
  readonly urlCheck?: boolean;
}

/** The flag that picks the MQTT version, named where a broker refuses MQTT 5. */
const PROTOCOL_FLAG = '--protocol-version';

/** The MQTT version the flags ask for: 5 unless --protocol-version says 4. */
export function protocolVersionOf(opts: { readonly protocolVersion?: string }): 4 | 5 {
  const given = opts.protocolVersion ?? '5';
  if (given !== '4' && given !== '5')
    throw new UsageError(
      `${PROTOCOL_FLAG} ${given}: expected 5 (MQTT 5, the default, as the gateways' cloud.mqtt.protocol_version) or 4 (MQTT 3.1.1)`,
    );
  return given === '4' ? 4 : 5;
}

/** The topic a gateway with `cloud.mqtt.topic_prefix` `prefix` takes notices for `model` from. */
export function releaseTopic(prefix: string, model: string): string {
  return `${prefix}/releases/${model}`;
}

/** The flags' problems, before the release is read. */
function checkFlags(opts: PublishOptions): void {
  if (!mqttUrlSchema.safeParse(opts.broker).success)
    throw new UsageError(`--broker ${redactCredentials(opts.broker)}: expected mqtt://host:port or mqtts://host:port`);
  let url: URL | undefined;
  try {
    url = new URL(opts.url);
  } catch {
    // refused below
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new UsageError(
      `--url ${redactCredentials(opts.url)}: expected the http(s) URL of the folder the release is uploaded to`,
    );
  if (opts.prefix === '' || /[#+]/.test(opts.prefix))
    throw new UsageError(`--prefix ${opts.prefix}: expected the gateways' cloud.mqtt.topic_prefix (no # or +)`);
  protocolVersionOf(opts);
}

/** The broker as the flags and the environment give it. */
export function brokerOf(opts: BrokerFlags, env: NodeJS.ProcessEnv): MqttBroker {
  const { LINEWATCH_MQTT_USERNAME: username, LINEWATCH_MQTT_PASSWORD: password } = env;
  return {
    url: opts.broker,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(opts.caFile ? { ca_file: resolve(opts.caFile) } : {}),
    ...(opts.certFile ? { cert_file: resolve(opts.certFile) } : {}),
    ...(opts.keyFile ? { key_file: resolve(opts.keyFile) } : {}),
  };
}

/**
 * The largest packet taken from the broker: it sends a CONNACK and a PUBACK, a few bytes (with MQTT 5 properties, a
 * few hundred); a larger one closes the connection unread and fails the command.
 */
export const PUBLISH_MAX_INCOMING_BYTES = 4096;

/** Publishes `payload` (a `role`: release notice) retained on `topic` with MQTT `protocolVersion`; resolves once the
 * broker has it (QoS 1). */
export async function publishRetained(
  broker: MqttBroker,
  protocolVersion: 4 | 5,
  topic: string,
  payload: string | Buffer,
  role: string,
): Promise<void> {
  await publishOnce(
    broker,
    {
      role,
      defaultClientId: `linewatch-publish-${randomBytes(4).toString('hex')}`,
      options: { protocolVersion },
      protocolSetting: PROTOCOL_FLAG,
      maxIncomingBytes: PUBLISH_MAX_INCOMING_BYTES,
      boundOf: 'the publishing connection',
      timeoutMs: 10_000,
    },
    { topic, payload, qos: 1, retain: true },
  ).catch((err: Error) => {
    throw new Error(`--broker ${broker.url}: ${err.message}`, { cause: err });
  });
}

export async function publishCommand(opts: PublishOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    checkFlags(opts);
    const { manifest, modelPath } = await checkReleaseFolder(opts.model, opts.publicKey);
    if (manifest.release_sequence === undefined)
      throw new Error(
        `${resolve(opts.model)}: the signed manifest has no release_sequence, so every gateway refuses it; sign it ` +
          `with linewatch model sign --model ${opts.model} --key KEY --sequence N`,
      );
    if (manifest.release_sequence > MAX_SIGNED_SEQUENCE)
      throw new Error(
        `${resolve(opts.model)}: release_sequence ${manifest.release_sequence}, above the ceiling ${MAX_SIGNED_SEQUENCE} ` +
          `(${SEQUENCE_CEILING_WHY}), so every gateway refuses it (bad_manifest); sign it again with --sequence N, N ` +
          `from 1 to ${MAX_SIGNED_SEQUENCE} above every release of this model signed before`,
      );
    // What a gateway parses (release-notice.ts): a notice it would ignore is never published.
    const parsed = releaseNoticeSchema.safeParse({ model: manifest.name, version: manifest.version, url: opts.url });
    if (!parsed.success)
      throw new Error(`the notice would be refused by every gateway: ${formatIssues(parsed.error.issues).join('; ')}`);
    const notice = parsed.data;
    const topic = releaseTopic(opts.prefix, notice.model);
    if (opts.urlCheck !== false) await checkUploaded(resolve(opts.model), modelPath, opts.url);
    await publishRetained(
      brokerOf(opts, env),
      protocolVersionOf(opts),
      topic,
      JSON.stringify(notice),
      'release notice',
    );
    // The user's own URL, its path shown (it names the release); user info and query values (a token) are not.
    process.stdout.write(
      redactCredentials(
        `published: ${JSON.stringify(notice)} retained on ${topic} at ${opts.broker} ` +
          `(${manifest.name} ${manifest.version}, release_sequence ${manifest.release_sequence})`,
      ) + '\n',
    );
    return 0;
  } catch (err) {
    // The URLs in its errors are the user's own flags: their path is shown (it says which folder or host is wrong),
    // their user info and query values (a login, a token) are not, as in the line that says it was published.
    return reportReleaseError(err, redactCredentials);
  }
}
