/**
 * A reconstruction autoencoder from an ONNX file and its manifest, scoring windows in batches.
 * The graph normalises the raw window and outputs the score (mean squared reconstruction error)
 * and each channel's error; this class packs windows, runs, and turns channel errors into
 * ranked contributions. Loading runs the manifest's golden window and refuses a model whose
 * output does not match.
 */
import type { Model } from '../core/components.js';
import { ModelError } from '../core/errors.js';
import type { ScoreResult, Window } from '../core/types.js';
import { scaledClearLevel } from '../core/verdict.js';
import type { Logger } from '../telemetry/logger.js';
import type { LoadedManifest, ModelManifest } from './manifest.js';
import { createSession, ort, type CreatedSession, type ExecutionProvider } from './onnx-session.js';
import { contributions } from './contributions.js';

export interface AutoencoderOptions {
  readonly providers?: readonly ExecutionProvider[];
  readonly threshold?: number;
  readonly logger?: Logger;
  /** Where onnxruntime's optimised graphs are cached (see createSession). */
  readonly cacheDir?: string;
  /** The asset it is loaded for (for messages); results carry each window's own asset (a SharedModel serves
   * several). */
  readonly asset: string;
}

export class AutoencoderModel implements Model {
  readonly name: string;
  readonly version: string;
  readonly channels: readonly string[];
  readonly windowLength: number;
  readonly samplePeriodMs: number;
  readonly threshold: number;
  readonly minReadPoints: number | undefined;
  /** The model file's sha256 (from the manifest, checked against the bytes when it was read). */
  readonly sha256: string;
  readonly provider: ExecutionProvider;
  /** Whether onnxruntime's optimised graph came from the model cache (no optimiser run at load). */
  readonly optimisedFromCache: boolean;
  private readonly features: number;
  /** A part model's graph leaves a part's points not read (NaN) out of its score (normalisation part_curve). */
  private readonly masksUnread: boolean;
  /** Where the alarm clears, from the manifest's calibration (hysteresis); undefined: the alarm's own clear_ratio. */
  readonly offThreshold: number | undefined;
  /** Where a raised alarm clears when below offThreshold (the manifest's clear_threshold); undefined: at
   * offThreshold. */
  readonly clearThreshold: number | undefined;
  private closed = false;
  /**
   * The input buffer of the last run, reused when no run is using it: allocating (and zeroing) a
   * fresh 36 kB tensor for every batch of 64 cost more than copying the windows into it.
   */
  private spare: Float32Array | undefined;

  private constructor(
    private readonly manifest: ModelManifest,
    private readonly session: ort.InferenceSession,
    provider: ExecutionProvider,
    threshold: number | undefined,
    optimisedFromCache: boolean,
    private readonly release: () => Promise<void>,
  ) {
    this.optimisedFromCache = optimisedFromCache;
    this.name = manifest.name;
    this.version = manifest.version;
    this.sha256 = manifest.sha256;
    this.channels = manifest.input.channels.map((c) => c.name);
    this.windowLength = manifest.input.window_length;
    this.samplePeriodMs = manifest.input.sample_period_ms;
    this.threshold = threshold ?? manifest.score.threshold;
    this.minReadPoints = manifest.score.min_read_points;
    this.features = this.channels.length * this.windowLength;
    this.masksUnread = manifest.normalisation.method === 'part_curve';
    // An asset's own threshold (config) keeps the manifest's on/off ratio.
    const scaled = (level: number | undefined) =>
      level === undefined ? undefined : scaledClearLevel(level, manifest.score.threshold, this.threshold);
    this.offThreshold = scaled(manifest.score.off_threshold);
    this.clearThreshold = scaled(manifest.score.clear_threshold);
    this.provider = provider;
  }

  /** Creates the onnxruntime session of a model file; a MODEL_UNLOADABLE ModelError if onnxruntime refuses it. */
  static async createSession(loaded: LoadedManifest, options: Omit<AutoencoderOptions, 'asset' | 'threshold'>) {
    try {
      return await createSession(loaded.modelBytes, {
        providers: options.providers,
        logger: options.logger,
        what: loaded.modelPath,
        ...(options.cacheDir ? { cache: { dir: options.cacheDir, sha256: loaded.manifest.sha256 } } : {}),
      });
    } catch (err) {
      throw new ModelError(
        'MODEL_UNLOADABLE',
        `model file ${loaded.modelPath}: onnxruntime cannot load it: ${(err as Error).message.split('\n')[0]}`,
        err,
      );
    }
  }

  /** Loads a model with a session of its own, released by close(). */
  static async load(loaded: LoadedManifest, options: AutoencoderOptions): Promise<AutoencoderModel> {
    const created = await AutoencoderModel.createSession(loaded, options);
    return AutoencoderModel.bind(loaded, created, options.threshold, () => created.session.release());
  }

  /**
   * A model over a session created for its model file (possibly shared with other manifests of the same file, see
   * SessionPool): checks the graph has the manifest's input and outputs and that the golden window reproduces.
   * `release` runs when it is closed, or at once when a check fails (MODEL_IO_MISMATCH, MODEL_GOLDEN_MISMATCH).
   */
  static async bind(
    loaded: LoadedManifest,
    created: CreatedSession,
    threshold: number | undefined,
    release: () => Promise<void>,
  ): Promise<AutoencoderModel> {
    const { session, provider, cached } = created;
    const { manifest } = loaded;
    const outputs = [
      manifest.output.score,
      manifest.output.channel_error,
      ...(manifest.output.terms ? [manifest.output.terms.name] : []),
    ];
    if (!session.inputNames.includes(manifest.input.name) || outputs.some((o) => !session.outputNames.includes(o))) {
      await release();
      throw new ModelError(
        'MODEL_IO_MISMATCH',
        `model file ${loaded.modelPath}: expected input "${manifest.input.name}" and outputs "${outputs.join('", "')}", the graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]`,
      );
    }
    const model = new AutoencoderModel(manifest, session, provider, threshold, cached === true, release);
    try {
      const golden = await model.scoreRaw([Float32Array.from(manifest.golden.input)]);
      const diff = Math.abs(golden[0].score - manifest.golden.score);
      if (!(diff <= manifest.golden.tolerance)) {
        throw new ModelError(
          'MODEL_GOLDEN_MISMATCH',
          `model ${loaded.modelPath}: golden window scored ${golden[0].score}, the manifest expects ${manifest.golden.score} ± ${manifest.golden.tolerance}`,
        );
      }
    } catch (err) {
      await release();
      if (err instanceof ModelError && err.code === 'MODEL_GOLDEN_MISMATCH') throw err;
      throw new ModelError(
        'MODEL_GOLDEN_MISMATCH',
        `model ${loaded.modelPath}: running the golden window failed: ${(err as Error).message.split('\n')[0]}`,
        err,
      );
    }
    return model;
  }

  async score(windows: readonly Window[]): Promise<ScoreResult[]> {
    for (const w of windows) {
      if (w.channels === this.channels && w.length === this.windowLength) continue;
      if (
        w.length !== this.windowLength ||
        w.channels.length !== this.channels.length ||
        w.channels.some((c, i) => c !== this.channels[i])
      ) {
        throw new ModelError(
          'MODEL_MISMATCH',
          `model ${this.name}: window of asset ${w.asset} has ${w.length}×[${w.channels.join(',')}], expected ${this.windowLength}×[${this.channels.join(',')}]`,
        );
      }
    }
    const { scores, perChannel, terms } = await this.run(
      windows.map((w) => w.data),
      windows.map((w) => w.unreadPoints),
    );
    const c = this.channels.length;
    const results = new Array<ScoreResult>(scores.length);
    const kinds = terms ? this.manifest.output.terms!.kinds : undefined;
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i];
      const ranked = contributions(
        perChannel,
        this.channels,
        i * c,
        terms && kinds ? { values: terms, at: i * kinds.length * c, kinds } : undefined,
      );
      results[i] = {
        asset: windows[i].asset,
        model: this.name,
        modelVersion: this.version,
        ts: windows[i].end,
        score,
        threshold: this.threshold,
        ...(this.offThreshold !== undefined ? { offThreshold: this.offThreshold } : {}),
        ...(this.clearThreshold !== undefined ? { clearThreshold: this.clearThreshold } : {}),
        anomalous: score > this.threshold,
        contributions: ranked,
        partId: windows[i].partId,
      };
    }
    return results;
  }

  /**
   * Scores raw windows given as time-major arrays: the score and each channel's error. `unread`, each window's
   * Window.unreadPoints (undefined or empty: all its points read).
   */
  async scoreRaw(
    windows: readonly ArrayLike<number>[],
    unread?: readonly (readonly number[] | undefined)[],
  ): Promise<{ score: number; channelError: Float32Array }[]> {
    const { scores, perChannel } = await this.run(windows, unread);
    const c = this.channels.length;
    return Array.from(scores, (score, i) => ({ score, channelError: perChannel.subarray(i * c, i * c + c) }));
  }

  /**
   * One session.run over the windows; NaN or Inf anywhere in a window is an error naming it. A part model
   * (normalisation part_curve) gets NaN at a window's `unread` points, which its graph leaves out of the score; any
   * other model, the window as it is (those points hold the part's last reading, or a line across a missed poll).
   */
  private async run(
    windows: readonly ArrayLike<number>[],
    unread?: readonly (readonly number[] | undefined)[],
  ): Promise<{ scores: Float32Array; perChannel: Float32Array; terms?: Float32Array }> {
    const n = windows.length;
    const d = this.features;
    const x = this.spare !== undefined && this.spare.length === n * d ? this.spare : new Float32Array(n * d);
    this.spare = undefined; // in use until this run ends
    for (let i = 0; i < n; i++) {
      const w = windows[i];
      if (w instanceof Float32Array) x.set(w, i * d);
      else for (let k = 0; k < d; k++) x[i * d + k] = w[k];
    }
    if (this.masksUnread) this.markUnread(x, n, unread);
    const { input, output } = this.manifest;
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.session.run({ [input.name]: new ort.Tensor('float32', x, [n, d]) });
    } finally {
      this.spare = x;
    }
    const scores = out[output.score].data as Float32Array;
    // NaN or Inf anywhere in a window propagates into its score.
    for (let i = 0; i < n; i++) if (!Number.isFinite(scores[i])) throw this.notFinite(i);
    const terms = output.terms ? (out[output.terms.name].data as Float32Array) : undefined;
    return { scores, perChannel: out[output.channel_error].data as Float32Array, ...(terms ? { terms } : {}) };
  }

  /**
   * NaN at each window's points not read, after checking that the window holds no NaN or Inf of its own (the graph
   * leaves NaN points out of the score, so it would not say).
   */
  private markUnread(x: Float32Array, n: number, unread: readonly (readonly number[] | undefined)[] | undefined): void {
    const d = this.features;
    const c = this.channels.length;
    for (let i = 0; i < n; i++)
      for (let k = i * d; k < (i + 1) * d; k++)
        if (!Number.isFinite(x[k])) {
          this.spare = x;
          throw this.notFinite(i);
        }
    unread?.forEach((points, i) => {
      for (const p of points ?? []) x.fill(Number.NaN, i * d + p * c, i * d + (p + 1) * c);
    });
  }

  private notFinite(window: number): ModelError {
    return new ModelError('MODEL_MISMATCH', `model ${this.name}: input window ${window} contains NaN or Inf`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }
}
