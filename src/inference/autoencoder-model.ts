/**
 * A reconstruction autoencoder from an ONNX file and its manifest, scoring windows in batches:
 * normalise, run, score = mean squared reconstruction error, contributions per channel. Loading
 * runs the manifest's golden window and refuses a model whose output does not match.
 */
import type { Model } from '../core/components.js';
import { ModelError } from '../core/errors.js';
import type { ScoreResult, Window } from '../core/types.js';
import type { Logger } from '../telemetry/logger.js';
import type { LoadedManifest, ModelManifest } from './manifest.js';
import { createSession, ort, type ExecutionProvider } from './onnx-session.js';
import { contributions, normaliseInto, reconstructionScore } from './reconstruction-score.js';

export interface AutoencoderOptions {
  readonly providers?: readonly ExecutionProvider[];
  readonly threshold?: number;
  readonly logger?: Logger;
  /** Asset name put on results (a model instance serves one asset). */
  readonly asset: string;
}

export class AutoencoderModel implements Model {
  readonly name: string;
  readonly version: string;
  readonly channels: readonly string[];
  readonly windowLength: number;
  readonly threshold: number;
  readonly provider: ExecutionProvider;
  private readonly features: number;
  private closed = false;

  private constructor(
    private readonly manifest: ModelManifest,
    private readonly session: ort.InferenceSession,
    provider: ExecutionProvider,
    private readonly asset: string,
    threshold: number | undefined,
  ) {
    this.name = manifest.name;
    this.version = manifest.version;
    this.channels = manifest.input.channels.map((c) => c.name);
    this.windowLength = manifest.input.window_length;
    this.threshold = threshold ?? manifest.score.threshold;
    this.features = this.channels.length * this.windowLength;
    this.provider = provider;
  }

  static async load(loaded: LoadedManifest, options: AutoencoderOptions): Promise<AutoencoderModel> {
    let created;
    try {
      created = await createSession(loaded.modelBytes, { providers: options.providers, logger: options.logger, what: loaded.modelPath });
    } catch (err) {
      throw new ModelError('MODEL_INVALID', `model file ${loaded.modelPath}: onnxruntime cannot load it: ${(err as Error).message.split('\n')[0]}`, err);
    }
    const { session, provider } = created;
    const { manifest } = loaded;
    if (!session.inputNames.includes(manifest.input.name) || !session.outputNames.includes(manifest.output.name)) {
      await session.release();
      throw new ModelError('MODEL_MISMATCH', `model file ${loaded.modelPath}: expected input "${manifest.input.name}" and output "${manifest.output.name}", the graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`);
    }
    const model = new AutoencoderModel(manifest, session, provider, options.asset, options.threshold);
    try {
      const golden = await model.scoreRaw([Float32Array.from(manifest.golden.input)]);
      const diff = Math.abs(golden[0].score - manifest.golden.score);
      if (!(diff <= manifest.golden.tolerance)) {
        throw new ModelError('MODEL_INVALID', `model ${loaded.modelPath}: golden window scored ${golden[0].score}, the manifest expects ${manifest.golden.score} ± ${manifest.golden.tolerance}`);
      }
    } catch (err) {
      await session.release();
      if (err instanceof ModelError) throw err;
      throw new ModelError('MODEL_MISMATCH', `model ${loaded.modelPath}: running the golden window failed: ${(err as Error).message.split('\n')[0]}`, err);
    }
    return model;
  }

  async score(windows: readonly Window[]): Promise<ScoreResult[]> {
    for (const w of windows) {
      if (w.length !== this.windowLength || w.channels.length !== this.channels.length || w.channels.some((c, i) => c !== this.channels[i])) {
        throw new ModelError('MODEL_MISMATCH', `model ${this.name}: window of asset ${w.asset} has ${w.length}×[${w.channels.join(',')}], expected ${this.windowLength}×[${this.channels.join(',')}]`);
      }
    }
    const raw = await this.scoreRaw(windows.map((w) => w.data));
    return raw.map((r, i) => ({
      asset: this.asset,
      model: this.name,
      modelVersion: this.version,
      ts: windows[i].end,
      score: r.score,
      threshold: this.threshold,
      anomalous: r.score > this.threshold,
      contributions: contributions(r.perChannel, this.channels),
      ...(windows[i].partId !== undefined ? { partId: windows[i].partId } : {}),
    }));
  }

  /** Scores raw (un-normalised) windows given as time-major arrays. */
  async scoreRaw(windows: readonly ArrayLike<number>[]) {
    const n = windows.length;
    const x = new Float32Array(n * this.features);
    windows.forEach((w, i) => normaliseInto(w, this.manifest.normalisation, x, i * this.features));
    for (const v of x) if (!Number.isFinite(v)) throw new ModelError('MODEL_MISMATCH', `model ${this.name}: input contains NaN or Inf`);
    const feeds = { [this.manifest.input.name]: new ort.Tensor('float32', x, [n, this.features]) };
    const out = await this.session.run(feeds);
    const y = out[this.manifest.output.name].data as Float32Array;
    return windows.map((_, i) => reconstructionScore(x, y, i * this.features, this.features, this.channels.length));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }
}
