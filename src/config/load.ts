/**
 * Loading a configuration: read the YAML file, substitute `${ENV}`, check it against the strict
 * schema, then check what the schema cannot (unique names, models that exist and fit the
 * channels the sources provide). Opens no connection. Every problem is reported at once, each
 * with its path, so a user fixes a config in one pass.
 */
import { modbusDevices, sourceFeeds } from './source-feeds.js';
import { dirname, resolve } from 'node:path';
import { ConfigError, ModelError } from '../core/errors.js';
import { loadManifest, type LoadedManifest } from '../inference/manifest.js';
import { tagRegisterCount } from '../sources/modbus/encoding.js';
import { configSchema, type Config } from './schema.js';
import { parseYamlDocument, readTextFile } from '../core/yaml-document.js';

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

export async function parseConfig(
  text: string,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedConfig> {
  const config = parseYamlDocument(configSchema, text, path, env);
  const baseDir = dirname(path);
  resolvePaths(config, baseDir);

  const issues = [...checkNames(config), ...checkExposure(config)];
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
    if (w.type === 'cycle' && !w.trigger_channel)
      issues.push(`assets[${i}].window.trigger_channel: required when type is "cycle"`);
    if (w.type === 'sliding' && (w.trigger_channel || w.part_id_channel))
      issues.push(`assets[${i}].window: trigger_channel and part_id_channel only apply to type "cycle"`);
    for (const key of ['trigger_channel', 'part_id_channel'] as const) {
      const ch = w[key];
      if (ch && !have.has(ch))
        issues.push(`assets[${i}].window.${key}: no source provides channel "${ch}" of asset ${asset.name}`);
    }
    // Text tags (Modbus `string`) can name a part, not feed a model or cut cycles.
    const text = textChannels(config, asset.name);
    if (w.trigger_channel && text.has(w.trigger_channel))
      issues.push(
        `assets[${i}].window.trigger_channel: "${w.trigger_channel}" is a string tag; a trigger must be a number (a flag or a part counter)`,
      );
    const textInputs = loaded.manifest.input.channels.map((c) => c.name).filter((c) => text.has(c));
    if (textInputs.length > 0)
      issues.push(
        `${where}: model ${loaded.manifest.name} takes channel(s) ${textInputs.join(', ')} of asset ${asset.name} as numbers, but they are string tags`,
      );
    const missing = loaded.manifest.input.channels.map((c) => c.name).filter((c) => !have.has(c));
    if (missing.length > 0) {
      issues.push(
        `${where}: model ${loaded.manifest.name} needs channel(s) ${missing.join(', ')} of asset ${asset.name}, which no source provides (provided: ${[...have].join(', ') || 'none'})`,
      );
    }
    const period = loaded.manifest.input.sample_period_ms;
    if (w.hop_ms !== undefined && (w.type !== 'sliding' || w.hop_ms % period !== 0))
      issues.push(
        `assets[${i}].window.hop_ms: ${w.type !== 'sliding' ? 'only for sliding windows' : `${w.hop_ms} ms is not a multiple of model ${loaded.manifest.name}'s sample period (${period} ms)`}`,
      );
    // On the time grid any source rate works; one row per batch needs the model's rate.
    if (w.align === 'batch')
      config.sources.forEach((source, si) => {
        for (const feed of sourceFeeds(source)) {
          if (feed.asset !== asset.name || feed.periodMs === period) continue;
          if (!feed.channels.some((ch) => loaded.manifest.input.channels.some((c) => c.name === ch))) continue;
          issues.push(
            `sources[${si}]${feed.periodKey}: ${feed.periodMs} ms, but model ${loaded.manifest.name} of asset ${asset.name} expects samples every ${period} ms`,
          );
        }
      });
    models.set(asset.name, loaded);
  }
  if (issues.length > 0) throw new ConfigError(path, issues);
  return { file: path, config, models };
}

function resolvePaths(config: Config, baseDir: string): void {
  config.data_dir = resolve(baseDir, config.data_dir);
  if (config.inference.cache_dir !== '')
    config.inference.cache_dir = resolve(
      baseDir,
      config.inference.cache_dir ?? resolve(config.data_dir, 'model-cache'),
    );
  for (const asset of config.assets) asset.model = resolve(baseDir, asset.model);
  for (const source of config.sources) {
    if (source.type !== 'opcua') continue;
    source.pki_dir = resolve(baseDir, source.pki_dir ?? resolve(config.data_dir, 'opcua-pki'));
    for (const key of ['user_certificate_file', 'user_private_key_file'] as const)
      if (source[key]) source[key] = resolve(baseDir, source[key]!);
  }
  const { local, influxdb } = config.storage;
  if (local) local.path = resolve(baseDir, local.path ?? resolve(config.data_dir, 'linewatch.db'));
  if (influxdb)
    influxdb.buffer.path = resolve(baseDir, influxdb.buffer.path ?? resolve(config.data_dir, 'influxdb.queue.db'));
  const updates = config.cloud.model_updates;
  if (updates) {
    updates.public_key_file = resolve(baseDir, updates.public_key_file);
    updates.store_dir = resolve(baseDir, updates.store_dir ?? resolve(config.data_dir, 'models'));
  }
  const mqtt = config.cloud.mqtt;
  if (mqtt) {
    mqtt.buffer.path = resolve(baseDir, mqtt.buffer.path ?? resolve(config.data_dir, 'cloud.queue.db'));
    for (const key of ['ca_file', 'cert_file', 'key_file'] as const)
      if (mqtt[key]) mqtt[key] = resolve(baseDir, mqtt[key]!);
  }
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}

/** The operator API open beyond loopback needs a token: without one anyone on the network reads it. */
function checkExposure(config: Config): string[] {
  const { http } = config;
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(http.host) || http.host.startsWith('127.');
  if (!http.enabled || loopback || http.api_token || http.read_token) return [];
  return [
    `http.host: ${http.host} opens the API beyond this machine: set http.read_token (and http.api_token for acknowledge and shelve), or listen on 127.0.0.1`,
  ];
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
        if (prior)
          issues.push(
            `sources[${si}].nodes[${ni}].channel: channel "${node.channel}" of asset "${source.asset}" is already read by ${prior}`,
          );
        else owner.set(key, `sources[${si}].nodes[${ni}]`);
      }
      if ((source.user_certificate_file === undefined) !== (source.user_private_key_file === undefined))
        issues.push(
          `sources[${si}]: X.509 user authentication needs both user_certificate_file and user_private_key_file`,
        );
      if (source.user_certificate_file && source.username)
        issues.push(`sources[${si}]: use either username/password or a user certificate, not both`);
      if (source.security_mode !== 'None' && source.security_policy === 'None')
        issues.push(`sources[${si}].security_policy: "None" cannot be used with security_mode ${source.security_mode}`);
      continue;
    }
    if (source.registers.length > 0 && !source.asset)
      issues.push(`sources[${si}].asset: required with registers (the asset the first device's channels belong to)`);
    const devices = modbusDevices(source);
    if (devices.length === 0)
      issues.push(`sources[${si}]: no registers: list registers (with unit_id and asset), or devices`);
    for (const d of duplicates(devices.map((d) => String(d.unitId))))
      issues.push(`sources[${si}].devices: unit id ${d} is configured twice on this connection`);
    for (const device of devices) {
      for (const [ri, reg] of device.registers.entries()) {
        const where = `sources[${si}]${device.where}.registers[${ri}]`;
        const key = `${device.asset}/${reg.channel}`;
        const prior = owner.get(key);
        if (prior)
          issues.push(
            `${where}.channel: channel "${reg.channel}" of asset "${device.asset}" is already read by ${prior}`,
          );
        else owner.set(key, where);
        const bitTable = reg.table === 'coil' || reg.table === 'discrete';
        if (bitTable && (reg.type !== 'bit' || reg.bit !== undefined))
          issues.push(`${where}.type: a ${reg.table} is one bit: use type "bit" without "bit"`);
        if (reg.type === 'bit' && reg.bit === undefined && !bitTable)
          issues.push(`${where}.bit: required when type is "bit" (which bit of the register, 0-15)`);
        if (reg.type !== 'bit' && reg.bit !== undefined) issues.push(`${where}.bit: only allowed when type is "bit"`);
        if (reg.type === 'string' && reg.length === undefined)
          issues.push(
            `${where}.length: required when type is "string" (how many registers the text takes, two characters each)`,
          );
        if (reg.type !== 'string' && reg.length !== undefined)
          issues.push(`${where}.length: only allowed when type is "string"`);
        if (reg.type === 'string' && bitTable)
          issues.push(`${where}.type: text is read from holding or input registers, not from a ${reg.table}`);
        if (!bitTable && reg.address + tagRegisterCount(reg.type, reg.length) > 65536)
          issues.push(`${where}.address: ${reg.type} at ${reg.address} runs past register 65535`);
        if (reg.poll_interval_ms !== undefined && reg.poll_interval_ms < device.pollIntervalMs)
          issues.push(
            `${where}.poll_interval_ms: ${reg.poll_interval_ms} ms is faster than its device's ${device.pollIntervalMs} ms; a tag can only be polled as often as its device or less`,
          );
      }
    }
  }
  for (const [ai, asset] of config.assets.entries()) {
    if (asset.part_actions.length > 0 && asset.window.type !== 'cycle')
      issues.push(`assets[${ai}].part_actions: parts exist only with window.type "cycle"`);
    const all = [
      ...asset.alarm.actions.map((a, i) => [`alarm.actions[${i}]`, a] as const),
      ...asset.part_actions.map((a, i) => [`part_actions[${i}]`, a] as const),
    ];
    for (const [where, action] of all) {
      const ki = where;
      const needs = action.type === 'modbus_write' ? 'modbus' : action.type === 'opcua_write' ? 'opcua' : undefined;
      if (
        needs &&
        !config.sources.some((s) => s.name === (action as { source: string }).source && s.type.startsWith(needs))
      ) {
        issues.push(
          `assets[${ai}].${ki}.source: no ${needs} source named "${(action as { source: string }).source}" (sources: ${config.sources.map((s) => s.name).join(', ')})`,
        );
      }
      if (action.type === 'modbus_write') {
        if (action.data_type === 'string' && (action.table !== 'holding' || action.length === undefined))
          issues.push(
            `assets[${ai}].${ki}.data_type: a string is written to holding registers and needs length (registers, two characters each)`,
          );
        if (action.data_type !== 'string' && action.length !== undefined)
          issues.push(`assets[${ai}].${ki}.length: only for data_type string`);
        for (const key of ['value_active', 'value_inactive'] as const) {
          const v = action[key];
          if (typeof v === 'number') continue;
          if (action.table !== 'coil')
            issues.push(
              `assets[${ai}].${ki}.${key}: a list of values is written to consecutive coils; for a holding register give one number`,
            );
          else if (action.address + v.length > 65536)
            issues.push(`assets[${ai}].${ki}.${key}: ${v.length} coils from ${action.address} run past coil 65535`);
        }
      }
      if (action.type === 'modbus_write' && action.unit_id !== undefined) {
        const source = config.sources.find((s) => s.name === action.source);
        if (source && source.type !== 'opcua' && !modbusDevices(source).some((d) => d.unitId === action.unit_id)) {
          issues.push(
            `assets[${ai}].${ki}.unit_id: source ${action.source} has no unit ${action.unit_id} (units: ${modbusDevices(
              source,
            )
              .map((d) => d.unitId)
              .join(', ')})`,
          );
        }
      }
    }
  }
  return issues;
}

/** The asset's channels that Modbus `string` tags provide. */
function textChannels(config: Config, asset: string): Set<string> {
  const out = new Set<string>();
  for (const s of config.sources) {
    if (s.type === 'opcua') continue;
    for (const d of modbusDevices(s))
      if (d.asset === asset) for (const r of d.registers) if (r.type === 'string') out.add(r.channel);
  }
  return out;
}

function providedChannels(config: Config): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of config.sources) {
    for (const feed of sourceFeeds(s)) {
      const set = out.get(feed.asset) ?? new Set<string>();
      for (const c of feed.channels) set.add(c);
      out.set(feed.asset, set);
    }
  }
  return out;
}
