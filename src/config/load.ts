/**
 * Loading a configuration: read the YAML file, substitute `${ENV}`, check it against the strict
 * schema, then check what the schema cannot (unique names, models that exist and fit the
 * channels the sources provide). Opens no connection. Every problem is reported at once, each
 * with its path, so a user fixes a config in one pass.
 */
import { partCutIssues } from '../windows/cycle/part-cut.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, ModelError } from '../core/errors.js';
import { loadManifest, type LoadedManifest } from '../inference/manifest.js';
import { readPublicKey } from '../sync/release.js';
import { duplicates } from '../core/config-primitives.js';
import { resolveMqttTlsPaths } from '../core/mqtt-broker-schema.js';
import { actionType, sinkTypes, sourceType } from '../registry/components.js';
import { windowTypeOf } from '../windows/schema.js';
import { configSchema, type Config } from './schema.js';
import { missingModelHint, resolveModelPath } from './model-ref.js';
import { nodeRedNodeIdIssues } from './node-red-node-ids.js';
import { misnamedFor } from './unscored-assets.js';
import { textChannels } from './asset-outline.js';
import { runningWhenIssues } from './running-when.js';
import { parseYamlDocument, readTextFile } from '../core/yaml-document.js';
import { isLoopbackHost } from '../core/loopback.js';

export interface LoadedConfig {
  readonly file: string;
  readonly config: Config;
  /** Models by asset name, already verified (manifest, sha256, channels). */
  readonly models: ReadonlyMap<string, LoadedManifest>;
}

export interface LoadOptions {
  /**
   * `check` (the default: run, validate, a remote configuration): every `${VAR}` must be set and every file of a
   * secret or key readable. `unused`: a command that reads only the configuration's storage, sources and assets
   * (export) leaves a credential's placeholder of a variable that is not set as written (credentialKey) and reads no
   * token or public key file: it opens no connection that would need one.
   */
  readonly credentials?: 'check' | 'unused';
}

/**
 * Whether the value at `path` (as substituteEnv writes it: `http.api_token`, `sources[0].password`) is a credential: a
 * password, token, user name, secret or API key, or a header of a request (an authorization).
 */
export function credentialKey(path: string): boolean {
  return (
    /(^|[._-])(password|passphrase|token|username|user|secret|api[_-]?key)$/i.test(path) || /\.headers\./.test(path)
  );
}

export async function loadConfigFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  const { path, text } = await readTextFile(file, 'configuration');
  return parseConfig(text, path, env, options);
}

export async function parseConfig(
  text: string,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  const unused = options.credentials === 'unused';
  return checkConfig(
    parseYamlDocument(configSchema, text, path, env, unused ? credentialKey : undefined),
    path,
    options,
  );
}

/**
 * What the schema cannot check of a configuration that passed it, its relative paths resolved against `path`'s folder:
 * the same checks for a local file (parseConfig) and a remote configuration (src/remote-config), which has no file of
 * its own. Throws a ConfigError naming `path` with every problem.
 */
export async function checkConfig(config: Config, path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const credentials = options.credentials !== 'unused';
  const baseDir = dirname(path);
  const refs = config.assets.map((a) => a.model);
  resolvePaths(config, baseDir);

  const issues = [
    ...checkComponents(config),
    ...nodeRedNodeIdIssues(config),
    ...checkExposure(config),
    ...checkConnectionRoom(config),
    ...checkStorageSettings(config),
    ...(credentials ? checkStorage(config) : []),
  ];
  const models = new Map<string, LoadedManifest>();
  const provided = providedChannels(config);
  for (const [i, asset] of config.assets.entries()) {
    const where = `assets[${i}].model`;
    issues.push(
      ...runningWhenIssues(
        i,
        asset,
        new Set([...(provided.get(asset.name) ?? []), ...textChannels(config, asset.name)]),
      ),
    );
    let loaded: LoadedManifest;
    try {
      loaded = await loadManifest(asset.model);
    } catch (err) {
      if (err instanceof ModelError) {
        issues.push(`${where}: ${err.message}${existsSync(asset.model) ? '' : missingModelHint(baseDir, refs[i])}`);
        continue;
      }
      throw err;
    }
    const have = provided.get(asset.name) ?? new Set<string>();
    const w = asset.window;
    const text = textChannels(config, asset.name);
    issues.push(
      ...windowTypeOf(w).check(w, `assets[${i}].window`, {
        asset: asset.name,
        provided: have,
        text,
        modelName: loaded.manifest.name,
        samplePeriodMs: loaded.manifest.input.sample_period_ms,
      }),
    );
    issues.push(...partCutIssues(loaded.manifest, w, `assets[${i}].window`));
    // Text tags (Modbus `string`) can name a part, not feed a model.
    const textInputs = loaded.manifest.input.channels.map((c) => c.name).filter((c) => text.has(c));
    if (textInputs.length > 0)
      issues.push(
        `${where}: model ${loaded.manifest.name} takes channel(s) ${textInputs.join(', ')} of asset ${asset.name} as numbers, but they are string tags`,
      );
    const missing = loaded.manifest.input.channels.map((c) => c.name).filter((c) => !have.has(c));
    if (missing.length > 0) {
      // A source's asset that misspells this one (`pump-l`): named, its channels are this asset's likely enough.
      const misnamed = misnamedFor(config, asset.name);
      const meant = misnamed.length > 0 ? `; did ${misnamed.join(' or ')} mean "${asset.name}"?` : '';
      issues.push(
        `${where}: model ${loaded.manifest.name} needs channel(s) ${missing.join(', ')} of asset ${asset.name}, which no source provides (provided: ${[...have].join(', ') || 'none'})${meant}`,
      );
    }
    const period = loaded.manifest.input.sample_period_ms;
    // On the time grid any source rate works; one row per batch needs the model's rate. A part (cycle window) is
    // resampled over its own time, so any rate at least as fast as the one the model learned its curves at works.
    const cycle = w.type === 'cycle';
    if (w.align === 'batch')
      config.sources.forEach((source, si) => {
        for (const feed of sourceType(source.type).feeds(source)) {
          for (const held of feed.onChange ?? [])
            if (feed.asset === asset.name)
              issues.push(
                `sources[${si}]${held.key}: channel ${held.channel} of asset ${asset.name} is sent only when it changes, but the asset's window.align batch makes a row of each message: set align: hold (or linear) to put it on the model's time grid`,
              );
          if (feed.asset !== asset.name || feed.periodMs === period || (cycle && feed.periodMs < period)) continue;
          if (!feed.channels.some((ch) => loaded.manifest.input.channels.some((c) => c.name === ch))) continue;
          issues.push(
            cycle
              ? `sources[${si}]${feed.periodKey}: ${feed.periodMs} ms, slower than the ${period} ms at which model ${loaded.manifest.name} of asset ${asset.name} learned its parts' curves; poll at least as often`
              : `sources[${si}]${feed.periodKey}: ${feed.periodMs} ms, but model ${loaded.manifest.name} of asset ${asset.name} expects samples every ${period} ms: ${periodWayOut(feed.periodMs, period)}`,
          );
        }
      });
    models.set(asset.name, loaded);
  }
  if (config.cloud.remote_config && !config.cloud.mqtt)
    issues.push(
      'cloud.remote_config: configurations come over the cloud broker: set cloud.mqtt too (its url, topic_prefix and credentials)',
    );
  // <prefix>/<gateway>/... would be <prefix>/releases/<model>, where release notices come: a notice for a model named
  // config, status or summary would meet this gateway's own topics.
  if (config.cloud.mqtt && config.gateway.name === 'releases')
    issues.push(
      'gateway.name: "releases" is the topic level of release notices (<prefix>/releases/<model>) under cloud.mqtt: name the gateway otherwise',
    );
  if (credentials) issues.push(...(await publicKeyIssues(config)));
  if (issues.length > 0) throw new ConfigError(path, issues);
  return { file: path, config, models };
}

/** Each public key a signed release or configuration is checked against, read as the gateway will read it: a missing
 * file, a key of another kind or a private key is the configuration's problem, found by validate, not at run time. */
async function publicKeyIssues(config: Config): Promise<string[]> {
  const issues: string[] = [];
  const blocks = [
    ['cloud.model_updates', config.cloud.model_updates],
    ['cloud.remote_config', config.cloud.remote_config],
  ] as const;
  for (const [at, block] of blocks) {
    if (!block) continue;
    const keys = typeof block.public_key_file === 'string' ? [block.public_key_file] : block.public_key_file;
    const where = (i: number) => `${at}.public_key_file${keys.length > 1 ? `[${i}]` : ''}`;
    for (const [i, key] of keys.entries())
      await readPublicKey(key).catch((err: Error) => issues.push(`${where(i)}: ${err.message}`));
  }
  return issues;
}

export function resolvePaths(config: Config, baseDir: string): void {
  config.data_dir = resolve(baseDir, config.data_dir);
  if (config.inference.cache_dir !== '')
    config.inference.cache_dir = resolve(
      baseDir,
      config.inference.cache_dir ?? resolve(config.data_dir, 'model-cache'),
    );
  for (const asset of config.assets) {
    asset.model = resolveModelPath(baseDir, asset.model);
    for (const action of [...asset.alarm.actions, ...asset.part_actions])
      actionType(action.type).resolvePaths?.(action, baseDir);
  }
  const paths = { baseDir, dataDir: config.data_dir };
  for (const source of config.sources) sourceType(source.type).resolvePaths?.(source, paths);
  const storage: Record<string, object | undefined> = config.storage;
  for (const sink of sinkTypes) if (storage[sink.key]) sink.resolvePaths?.(storage[sink.key]!, paths);
  const resolveKeys = (keys: string | string[]) =>
    typeof keys === 'string' ? resolve(baseDir, keys) : keys.map((k) => resolve(baseDir, k));
  const remote = config.cloud.remote_config;
  if (remote) remote.public_key_file = resolveKeys(remote.public_key_file);
  const updates = config.cloud.model_updates;
  if (updates) {
    updates.public_key_file = resolveKeys(updates.public_key_file);
    updates.store_dir = resolve(baseDir, updates.store_dir ?? resolve(config.data_dir, 'models'));
  }
  const mqtt = config.cloud.mqtt;
  if (mqtt) {
    mqtt.buffer.path = resolve(baseDir, mqtt.buffer.path ?? resolve(config.data_dir, 'cloud.queue.db'));
    resolveMqttTlsPaths(mqtt, baseDir);
  }
}

/**
 * The operator API beyond loopback serves its reads (/api/status, /api/alarms, /api/events: the assets, the sources'
 * addresses, every alarm) to whoever reaches it: it needs http.read_token, or http.public_reads: true saying that
 * the network may read them. An api_token alone guarded the writes and left the reads open (review s34).
 */
function checkExposure(config: Config): string[] {
  const { http } = config;
  if (!http.enabled) return [];
  if (http.public_reads && http.read_token)
    return [
      'http.public_reads: true serves /api/ reads without a token, and http.read_token asks for one: remove one of them',
    ];
  if (isLoopbackHost(http.host) && http.allowed_hosts)
    return [
      `http.allowed_hosts: the API listens on loopback (${http.host}) and answers loopback names only ` +
        '(localhost, 127.0.0.1, [::1]); allowed_hosts names the Host values a host beyond loopback answers: remove it',
    ];
  if (isLoopbackHost(http.host) || http.read_token || http.public_reads) return [];
  return [
    `http.host: ${http.host} opens the API beyond this machine, and without http.read_token anyone who reaches it reads ` +
      '/api/status, /api/alarms and /api/events: set http.read_token (the api_token may serve as both; http.api_token ' +
      'for acknowledge and shelve), or http.public_reads: true to serve them without a token, or listen on 127.0.0.1',
  ];
}

/** Each event stream holds a connection: as many streams as connections would leave none for a request. */
function checkConnectionRoom(config: Config): string[] {
  const { http } = config;
  if (!http.enabled || http.max_connections > http.max_event_streams) return [];
  return [
    `http.max_connections: ${http.max_connections} is not above http.max_event_streams ${http.max_event_streams}: ` +
      'each event stream holds a connection, and requests (/healthz, /metrics, /api/status) need some too; raise ' +
      'max_connections or lower max_event_streams',
  ];
}

/** Unique names, then each source's and each action's own checks (src/registry/ lists the types). */
function checkComponents(config: Config): string[] {
  const issues: string[] = [];
  for (const d of duplicates(config.sources.map((s) => s.name))) issues.push(`sources: duplicate source name "${d}"`);
  for (const d of duplicates(config.assets.map((a) => a.name))) issues.push(`assets: duplicate asset name "${d}"`);
  const channels = firstClaims();
  const claim = (asset: string, channel: string, where: string) => channels(`${asset}/${channel}`, where);
  const claimLine = firstClaims();
  for (const [si, source] of config.sources.entries())
    issues.push(...sourceType(source.type).check(source, `sources[${si}]`, { claim, claimLine }));
  for (const [ai, asset] of config.assets.entries()) {
    if (asset.part_actions.length > 0 && asset.window.type !== 'cycle')
      issues.push(`assets[${ai}].part_actions: parts exist only with window.type "cycle"`);
    const all = [
      ...asset.alarm.actions.map((a, i) => [`assets[${ai}].alarm.actions[${i}]`, a] as const),
      ...asset.part_actions.map((a, i) => [`assets[${ai}].part_actions[${i}]`, a] as const),
    ];
    for (const [where, action] of all) {
      const type = actionType(action.type);
      const needs = type.writeProtocol;
      const named = (action as { source?: string }).source;
      const other = config.sources.find((s) => s.name === named);
      if (needs && other && sourceType(other.type).writeProtocol !== needs)
        issues.push(
          `${where}.source: "${named}" is a ${other.type} source, and ${action.type} writes through ${needs} sources only ` +
            `(those configured: ${
              config.sources
                .filter((s) => sourceType(s.type).writeProtocol === needs)
                .map((s) => s.name)
                .join(', ') || 'none'
            })`,
        );
      else if (needs && !other)
        issues.push(
          `${where}.source: no ${needs} source named "${named}" (sources: ${config.sources.map((s) => s.name).join(', ')})`,
        );
      issues.push(...(type.check?.(action, where, { sources: config.sources }) ?? []));
    }
  }
  return issues;
}

/** What each storage sink checks beyond its schema (storage.influxdb.token_file: readable, one token). */
function checkStorage(config: Config): string[] {
  const storage: Record<string, object | undefined> = config.storage;
  return sinkTypes.flatMap((sink) => (storage[sink.key] ? (sink.check?.(storage[sink.key]!) ?? []) : []));
}

/** What each storage sink checks of its settings against the rest of the configuration (an asset it names). */
function checkStorageSettings(config: Config): string[] {
  const storage: Record<string, object | undefined> = config.storage;
  const ctx = { assets: config.assets.map((a) => a.name) };
  return sinkTypes.flatMap((sink) => (storage[sink.key] ? (sink.checkSettings?.(storage[sink.key]!, ctx) ?? []) : []));
}

/** Claims of something only one part of the configuration may have: each returns who claimed its key first, if any. */
function firstClaims(): (key: string, where: string) => string | undefined {
  const owner = new Map<string, string>();
  return (key, where) => {
    const prior = owner.get(key);
    if (!prior) owner.set(key, where);
    return prior;
  };
}

function providedChannels(config: Config): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of config.sources) {
    for (const feed of sourceType(s.type).feeds(s)) {
      const set = out.get(feed.asset) ?? new Set<string>();
      for (const c of feed.channels) set.add(c);
      out.set(feed.asset, set);
    }
  }
  return out;
}

/**
 * What to do where a source's rate is not its batch-aligned model's: poll at the model's rate or, where the model was
 * trained on this source's own recording, train it again with its poll interval (`train` takes the rows' median
 * spacing otherwise, which a poll timer's lateness stretches a little: 1001 ms at 1000 ms).
 */
function periodWayOut(pollMs: number, modelMs: number): string {
  return `poll every ${modelMs} ms, or train the model again with --period-ms ${pollMs} where its CSV was recorded at ${pollMs} ms (without it, train takes the median spacing of the rows)`;
}
