/**
 * Loading a configuration: read the YAML file, substitute `${ENV}`, check it against the strict
 * schema, then check what the schema cannot (unique names, models that exist and fit the
 * channels the sources provide). Opens no connection. Every problem is reported at once, each
 * with its path, so a user fixes a config in one pass.
 */
import { dirname, resolve } from 'node:path';
import { ConfigError, ModelError } from '../core/errors.js';
import { loadManifest, type LoadedManifest } from '../inference/manifest.js';
import { registerCount } from '../sources/modbus/encoding.js';
import { configSchema, type Config } from './schema.js';
import { parseYamlDocument, readTextFile } from './yaml-document.js';

export interface LoadedConfig {
  readonly file: string;
  readonly config: Config;
  /** Models by asset name, already verified (manifest, sha256, channels). */
  readonly models: ReadonlyMap<string, LoadedManifest>;
}

export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const { path, text } = await readTextFile(file, 'configuration');
  return parseConfig(text, path, env);
}

export async function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const config = parseYamlDocument(configSchema, text, path, env);
  const baseDir = dirname(path);
  resolvePaths(config, baseDir);

  const issues = checkNames(config);
  const models = new Map<string, LoadedManifest>();
  const provided = providedChannels(config);
  for (const [i, asset] of config.assets.entries()) {
    const where = `assets[${i}].model`;
    let loaded: LoadedManifest;
    try {
      loaded = await loadManifest(asset.model);
    } catch (err) {
      if (err instanceof ModelError) {
        issues.push(`${where}: ${err.message}`);
        continue;
      }
      throw err;
    }
    const have = provided.get(asset.name) ?? new Set<string>();
    const w = asset.window;
    if (w.type === 'cycle' && !w.trigger_channel) issues.push(`assets[${i}].window.trigger_channel: required when type is "cycle"`);
    if (w.type === 'sliding' && (w.trigger_channel || w.part_id_channel)) issues.push(`assets[${i}].window: trigger_channel and part_id_channel only apply to type "cycle"`);
    for (const key of ['trigger_channel', 'part_id_channel'] as const) {
      const ch = w[key];
      if (ch && !have.has(ch)) issues.push(`assets[${i}].window.${key}: no source provides channel "${ch}" of asset ${asset.name}`);
    }
    const missing = loaded.manifest.input.channels.map((c) => c.name).filter((c) => !have.has(c));
    if (missing.length > 0) {
      issues.push(`${where}: model ${loaded.manifest.name} needs channel(s) ${missing.join(', ')} of asset ${asset.name}, which no source provides (provided: ${[...have].join(', ') || 'none'})`);
    }
    const period = loaded.manifest.input.sample_period_ms;
    config.sources.forEach((source, si) => {
      if (source.asset !== asset.name || sourcePeriodMs(source) === period) return;
      if (!sourceChannels(source).some((ch) => loaded.manifest.input.channels.some((c) => c.name === ch))) return;
      const key = source.type === 'opcua' ? 'publishing_interval_ms' : 'poll_interval_ms';
      issues.push(`sources[${si}].${key}: ${sourcePeriodMs(source)} ms, but model ${loaded.manifest.name} of asset ${asset.name} expects samples every ${period} ms`);
    });
    models.set(asset.name, loaded);
  }
  if (issues.length > 0) throw new ConfigError(path, issues);
  return { file: path, config, models };
}

function resolvePaths(config: Config, baseDir: string): void {
  config.data_dir = resolve(baseDir, config.data_dir);
  for (const asset of config.assets) asset.model = resolve(baseDir, asset.model);
  for (const source of config.sources) if (source.type === 'opcua') source.pki_dir = resolve(baseDir, source.pki_dir ?? resolve(config.data_dir, 'opcua-pki'));
  const { local, influxdb } = config.storage;
  if (local) local.path = resolve(baseDir, local.path ?? resolve(config.data_dir, 'linewatch.db'));
  if (influxdb) influxdb.buffer.path = resolve(baseDir, influxdb.buffer.path ?? resolve(config.data_dir, 'influxdb.queue.db'));
  const updates = config.cloud.model_updates;
  if (updates) {
    updates.public_key_file = resolve(baseDir, updates.public_key_file);
    updates.store_dir = resolve(baseDir, updates.store_dir ?? resolve(config.data_dir, 'models'));
  }
  const mqtt = config.cloud.mqtt;
  if (mqtt) {
    mqtt.buffer.path = resolve(baseDir, mqtt.buffer.path ?? resolve(config.data_dir, 'cloud.queue.db'));
    for (const key of ['ca_file', 'cert_file', 'key_file'] as const) if (mqtt[key]) mqtt[key] = resolve(baseDir, mqtt[key]!);
  }
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}

function checkNames(config: Config): string[] {
  const issues: string[] = [];
  for (const d of duplicates(config.sources.map((s) => s.name))) issues.push(`sources: duplicate source name "${d}"`);
  for (const d of duplicates(config.assets.map((a) => a.name))) issues.push(`assets: duplicate asset name "${d}"`);
  const owner = new Map<string, string>();
  for (const [si, source] of config.sources.entries()) {
    if (source.type === 'opcua') {
      for (const [ni, node] of source.nodes.entries()) {
        const key = `${source.asset}/${node.channel}`;
        const prior = owner.get(key);
        if (prior) issues.push(`sources[${si}].nodes[${ni}].channel: channel "${node.channel}" of asset "${source.asset}" is already read by ${prior}`);
        else owner.set(key, `sources[${si}].nodes[${ni}]`);
      }
      if (source.security_mode !== 'None' && source.security_policy === 'None') issues.push(`sources[${si}].security_policy: "None" cannot be used with security_mode ${source.security_mode}`);
      continue;
    }
    for (const [ri, reg] of source.registers.entries()) {
      const where = `sources[${si}].registers[${ri}]`;
      const key = `${source.asset}/${reg.channel}`;
      const prior = owner.get(key);
      if (prior) issues.push(`${where}.channel: channel "${reg.channel}" of asset "${source.asset}" is already read by ${prior}`);
      else owner.set(key, where);
      if (reg.type === 'bit' && reg.bit === undefined) issues.push(`${where}.bit: required when type is "bit"`);
      if (reg.type !== 'bit' && reg.bit !== undefined) issues.push(`${where}.bit: only allowed when type is "bit"`);
      if (reg.address + registerCount(reg.type) > 65536) issues.push(`${where}.address: ${reg.type} at ${reg.address} runs past register 65535`);
    }
  }
  for (const [ai, asset] of config.assets.entries()) {
    if (asset.part_actions.length > 0 && asset.window.type !== 'cycle') issues.push(`assets[${ai}].part_actions: parts exist only with window.type "cycle"`);
    const all = [...asset.alarm.actions.map((a, i) => [`alarm.actions[${i}]`, a] as const), ...asset.part_actions.map((a, i) => [`part_actions[${i}]`, a] as const)];
    for (const [where, action] of all) {
      const ki = where;
      const needs = action.type === 'modbus_write' ? 'modbus' : action.type === 'opcua_write' ? 'opcua' : undefined;
      if (needs && !config.sources.some((s) => s.name === (action as { source: string }).source && s.type.startsWith(needs))) {
        issues.push(`assets[${ai}].${ki}.source: no ${needs} source named "${(action as { source: string }).source}" (sources: ${config.sources.map((s) => s.name).join(', ')})`);
      }
    }
  }
  return issues;
}

/** The channels a source reads. */
export function sourceChannels(source: Config['sources'][number]): string[] {
  return source.type === 'opcua' ? source.nodes.map((n) => n.channel) : source.registers.map((r) => r.channel);
}

/** How often a source delivers a batch. */
export function sourcePeriodMs(source: Config['sources'][number]): number {
  return source.type === 'opcua' ? source.publishing_interval_ms : source.poll_interval_ms;
}

function providedChannels(config: Config): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of config.sources) {
    const set = out.get(s.asset) ?? new Set<string>();
    for (const c of sourceChannels(s)) set.add(c);
    out.set(s.asset, set);
  }
  return out;
}
