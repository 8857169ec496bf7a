/** `linewatch run` (the daemon, or --once) and `linewatch validate`. */
import { redactSecrets } from '../core/redact.js';
import { sourceType } from '../registry/components.js';
import { loadConfigFile } from '../config/load.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest, readFp32Graph, SIGNATURE_FILE } from '../inference/manifest.js';
import { createSources } from '../runtime/gateway.js';
import { runUntilSignal, startDaemon } from '../daemon/daemon.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { cliLogger } from './logging.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage.js';

const round4 = (v: number) => Number(v.toPrecision(4));

/**
 * A model folder on its own (validate --model): its manifest, the sha256 of its files, onnxruntime loads it and its
 * golden window scores as recorded. What a gateway would refuse, named, before a configuration names the folder.
 */
async function validateModel(dir: string): Promise<void> {
  const loaded = await loadManifest(dir);
  await (await AutoencoderModel.load(loaded, { asset: 'validate' })).close();
  const m = loaded.manifest;
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
    const loaded = await loadConfigFile(opts.config);
    const { config } = loaded;
    // Load each model into onnxruntime and run its golden window: catches corrupt or lying files.
    for (const [asset, manifest] of loaded.models) await (await AutoencoderModel.load(manifest, { asset })).close();
    const registers = config.sources.reduce((n, s) => n + sourceType(s.type).tagCount(s), 0);
    process.stdout.write(
      `${loaded.file}: OK (${config.sources.length} source(s), ${registers} tag(s), ${config.assets.length} asset(s) with models: ${[...loaded.models.entries()].map(([a, m]) => `${a}=${m.manifest.name}@${m.manifest.version}`).join(', ') || 'none'})\n`,
    );
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

export async function runCommand(opts: { config: string; once?: boolean }): Promise<number> {
  let loaded;
  try {
    loaded = await loadConfigFile(opts.config);
  } catch (err) {
    return reportError(err);
  }
  const logger = cliLogger(opts.once ? process.stderr : process.stdout, loaded.config.log.level);
  if (opts.once) {
    // Like `telegraf --test`: every source once, samples as JSON lines (a failed read's tags bad, with the reason),
    // failures per source.
    const sources = createSources(loaded, { logger, metrics: new GatewayMetrics() });
    let failed = 0;
    for (const source of sources) {
      try {
        const samples = await source.readOnce();
        for (const s of samples) process.stdout.write(`${JSON.stringify(s)}\n`);
        const reasons = [...new Set(samples.flatMap((s) => (s.reason ? [s.reason] : [])))];
        if (reasons.length > 0) failed++;
        for (const r of reasons) process.stderr.write(`linewatch: source ${source.name}: ${redactSecrets(r)}\n`);
      } catch (err) {
        failed++;
        process.stderr.write(`linewatch: source ${source.name}: ${redactSecrets((err as Error).message)}\n`);
      }
    }
    return failed > 0 ? 3 : 0;
  }
  try {
    const daemon = await startDaemon(loaded, logger);
    await runUntilSignal(daemon, logger);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
