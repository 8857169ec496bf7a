/**
 * `linewatch validate`: a configuration and the models it names, or a model folder on its own, checked as the gateway
 * would check them at start, without starting anything and without writing anything. With signed model updates, the
 * model each asset would start with is chosen from the release store as a start chooses it (same code), and what a
 * start would say about the store (a damaged confirmed update, a release passed over, an operator's local rollback, a
 * crash during probation) is said here first, with the sequence floor a local rollback left (active.json). Each MQTT
 * client left to the MQTT 5 default (cloud.mqtt, an MQTT source, an mqtt_publish action) is noted
 * (mqtt-version-notes.ts), and so is a configuration without storage (storage-notes.ts), a source whose asset is not
 * scored and a Modbus address that looks like a Modicon reference (config-notes.ts); an alarm output that a source
 * reads as a model's input is a warning (action-feedback-notes.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { sourceType } from '../registry/components.js';
import { loadConfigFile, type LoadedConfig } from '../config/load.js';
import { configNotes } from '../config/config-notes.js';
import { actionFeedbackNotes, modelInput } from '../config/action-feedback-notes.js';
import { mqttVersionNotes } from '../config/mqtt-version-notes.js';
import { noStorageNote } from '../config/storage-notes.js';
import { runningWhenNotes } from '../config/running-when.js';
import { readTextFile } from '../core/yaml-document.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest, readFp32Graph, SIGNATURE_FILE } from '../inference/manifest.js';
import { SessionPool } from '../inference/session-pool.js';
import { acquireAssetModels } from '../runtime/asset-models.js';
import { activeReleaseFile, readActiveFile, readActiveJson } from '../sync/confirmed-release.js';
import { countedEnd, INTERRUPTIONS_TO_ROLL_BACK, readProbationMark } from '../sync/interrupted-probation.js';
import { readPublicKeys } from '../sync/release.js';
import { createLogger } from '../telemetry/logger.js';
import { reportError } from './report-error.js';
import { undeployableChannels, undeployableText } from './training-notes.js';
import { ModelError } from '../core/errors.js';
import { UsageError } from './usage.js';
import { printable } from '../core/printable.js';

const round4 = (v: number) => Number(v.toPrecision(4));

/**
 * A model folder on its own (validate --model): its manifest, the sha256 of its files, onnxruntime loads it and its
 * golden window scores as recorded. What a gateway would refuse, named, before a configuration names the folder; and a
 * channel no configuration can name (a CSV's column with a space, trained as it was), which no gateway can run.
 */
async function validateModel(dir: string): Promise<void> {
  const loaded = await loadManifest(dir);
  await (await AutoencoderModel.load(loaded, { asset: 'validate' })).close();
  const m = loaded.manifest;
  const bad = undeployableChannels(m.input.channels.map((c) => c.name));
  if (bad.length > 0) throw new ModelError('MODEL_INVALID', `${dir}: ${undeployableText(bad)}`);
  await readFp32Graph(loaded);
  const signed = existsSync(join(dirname(loaded.manifestPath), SIGNATURE_FILE));
  process.stdout.write(
    `${dir}: OK (${m.name}@${m.version}: ${m.input.window_length} rows of ${m.input.channels.map((c) => c.name).join(', ')}, ` +
      `every ${m.input.sample_period_ms} ms; alarm on ${round4(m.score.threshold)}` +
      `${m.score.off_threshold !== undefined ? `, off ${round4(m.score.off_threshold)}` : ''}; ` +
      `sha256 of ${m.fp32_file !== undefined ? 'both graphs' : 'the graph'} as recorded; golden window scored as recorded; ` +
      `${signed ? 'signed: check the signature with linewatch model verify --public-key KEY' : 'unsigned'})\n`,
  );
}

/** What the gateway's start logs while it chooses and loads the models, kept to be said as validate's notes. */
interface Heard {
  readonly level: number;
  readonly msg: string;
  readonly provider?: string;
}

function listener(): { logger: ReturnType<typeof createLogger>; heard: Heard[] } {
  const heard: Heard[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') heard.push(JSON.parse(line) as Heard);
      done();
    },
  });
  return { logger: createLogger('info', stream, { format: 'json' }), heard };
}

const WARN = 40;

/**
 * Each asset's model as a start would choose it (a confirmed update from the store, else the configured one), loaded
 * and its golden window run, then given back; no optimised graph is cached. Returns `asset=name@version` per asset
 * and the notes a start would log (each model's "loaded" line left out, a provider's fallback kept).
 */
async function startingModels(loaded: LoadedConfig): Promise<{ models: string[]; notes: string[] }> {
  const { logger, heard } = listener();
  const pool = new SessionPool({ providers: loaded.config.inference.providers, logger });
  const assets = loaded.config.assets.map((a) => a.name);
  const updates = loaded.config.cloud.model_updates;
  const keys = updates ? await readPublicKeys(updates.public_key_file) : [];
  const chosen = await acquireAssetModels(pool, loaded.models, assets, updates, keys, logger);
  const models = assets.map((asset) => {
    const m = chosen.models.get(asset)!;
    const dir = chosen.updateDirs.get(asset);
    return `${asset}=${m.name}@${m.version}${dir ? ` (confirmed update, ${dir})` : ''}`;
  });
  for (const m of chosen.models.values()) await m.close();
  const notes = heard
    .filter((h) => h.level >= WARN || h.provider === undefined)
    .map((h) => `${h.level >= WARN ? 'warning' : 'note'}: ${h.msg}`);
  for (const asset of updates ? assets : []) {
    const store = updates!.store_dir!;
    const { floor } = await readActiveJson(store, asset);
    if (floor)
      notes.push(
        `note: asset ${asset}: a release must carry a release_sequence above ${floor.sequence}, the sequence floor ` +
          `${activeReleaseFile(store, asset)} keeps: ${floor.version} was confirmed with it before an operator's local ` +
          'rollback, so no older signed release is taken again',
      );
    const found = await readProbationMark(store, asset);
    // As the start counts it (ModelStore.takeInterruptedProbations).
    const mark = found && countedEnd(found, (await readActiveFile(store, asset))?.version);
    if (!mark) continue;
    const next =
      mark.interrupted >= INTERRUPTIONS_TO_ROLL_BACK
        ? `the next start rolls it back for good (${mark.interrupted} ends in a row)`
        : `the next start says so, and rolls it back for good if that happens ${INTERRUPTIONS_TO_ROLL_BACK} times in a row`;
    notes.push(
      `warning: asset ${asset}: the gateway ended without stopping (a crash, a kill, power lost) while ` +
        `${mark.model} ${mark.version} was being loaded or on probation: ${next}`,
    );
  }
  return { models, notes };
}

async function validateConfig(path: string): Promise<void> {
  const loaded = await loadConfigFile(path);
  const { config } = loaded;
  const { models, notes } = await startingModels(loaded);
  const registers = config.sources.reduce((n, s) => n + sourceType(s.type).tagCount(s), 0);
  process.stdout.write(
    `${loaded.file}: OK (${config.sources.length} source(s), ${registers} tag(s), ${config.assets.length} asset(s) with models: ${models.join(', ') || 'none'})\n`,
  );
  // A source whose asset is not scored, a Modbus address that looks like a Modicon reference: valid, likely not meant.
  notes.push(...configNotes(config).map((n) => `${n.level}: ${n.text}`));
  // What the file leaves to a default that changed (read from the file itself: the loader fills defaults in).
  notes.push(...mqttVersionNotes((await readTextFile(loaded.file, 'configuration')).text));
  const unkept = noStorageNote(config);
  if (unkept) notes.push(`note: ${unkept}`);
  notes.push(...actionFeedbackNotes(config, modelInput(loaded.models)).map((n) => `warning: ${n}`));
  // A model that learnt a running machine's rows only, on an asset that scores other rows (running-when.ts).
  notes.push(...runningWhenNotes(config.assets, loaded.models).map((n) => `warning: ${n}`));
  // A note may quote the store's files (a version, a model name): hostile, so no control character reaches a terminal.
  for (const note of notes) process.stderr.write(`linewatch: ${printable(note)}\n`);
}

export async function validateCommand(opts: {
  config?: string;
  model?: string;
  /** --config given on the command line (not from LINEWATCH_CONFIG). */
  configGiven?: boolean;
}): Promise<number> {
  try {
    if (opts.model !== undefined) {
      if (opts.configGiven)
        throw new UsageError('--config and --model: validate checks a configuration or a model folder, one at a time');
      await validateModel(opts.model);
      return 0;
    }
    if (!opts.config)
      throw new UsageError(
        'give --config (a gateway configuration and the models it names) or --model (a model folder)',
      );
    await validateConfig(opts.config);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
