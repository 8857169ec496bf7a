/**
 * The one owner of loaded models. Start-up, model updates, rollbacks and the Node-RED model node
 * all take their models from a pool, so however a model file arrives (configured, downloaded,
 * confirmed at a restart) every asset that runs it shares:
 *   - one onnxruntime session per model file, keyed by the file's sha256 (the manifest's, already
 *     checked against the bytes), and
 *   - per manifest of that file (a release may only recalibrate the threshold), one checked model
 *     (inputs and outputs, golden window: checked once, not once per asset) whose windows from
 *     every asset are scored together in micro-batches (SharedModel).
 * Each user gets a view (a Model of its own, with a close() that releases it); both levels are
 * reference counted and closed when their last user releases them. Per-asset state (probation,
 * the asset's threshold) lives in wrappers and pipelines around views, never in the pool.
 */
import { createHash } from 'node:crypto';
import type { Model } from '../core/components.js';
import type { Logger } from '../telemetry/logger.js';
import { AutoencoderModel } from './autoencoder-model.js';
import type { LoadedManifest } from './manifest.js';
import type { CreatedSession, ExecutionProvider } from './onnx-session.js';
import { SharedModel } from './shared-model.js';

export interface SessionPoolOptions {
  readonly providers?: readonly ExecutionProvider[];
  /** Where onnxruntime's optimised graphs are cached (see createSession). */
  readonly cacheDir?: string;
  readonly logger?: Logger;
  /** Most windows in one shared run. */
  readonly maxBatch?: number;
}

/** A pool user's model: scores through the shared batches; close() releases this user's hold. */
export interface PooledModel extends Model {
  readonly provider: ExecutionProvider;
  readonly optimisedFromCache: boolean;
  /** The model file's sha256: the session it runs on. */
  readonly sha256: string;
}

interface SessionEntry {
  readonly created: Promise<CreatedSession>;
  users: number;
}

interface ModelEntry {
  readonly ready: Promise<{ model: AutoencoderModel; shared: SharedModel }>;
  views: number;
}

/** How many sessions, checked models and views the pool holds now. */
export interface PoolStats {
  readonly sessions: number;
  readonly models: number;
  readonly views: number;
}

/** A manifest's identity: its model file and every field of it (two manifests equal in all fields share a model). */
function manifestKey(loaded: LoadedManifest): string {
  const digest = createHash('sha256').update(JSON.stringify(loaded.manifest)).digest('hex');
  return `${loaded.manifest.sha256}:${digest}`;
}

export class SessionPool {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly models = new Map<string, ModelEntry>();
  /** Sessions created since the pool was made (a load that a shared session spared is not counted). */
  sessionsCreated = 0;

  constructor(private readonly options: SessionPoolOptions = {}) {}

  stats(): PoolStats {
    let views = 0;
    for (const m of this.models.values()) views += m.views;
    return { sessions: this.sessions.size, models: this.models.size, views };
  }

  /**
   * A view of the model for one user (an asset, a Node-RED node). The first user of a model file
   * creates its session; the first user of a manifest checks it (a ModelError with its code when
   * the graph or the golden window does not fit). Concurrent acquires of the same model wait for
   * the same load. `logger`, if given, hears what creating the session says (a provider fallback)
   * instead of the pool's.
   */
  async acquire(loaded: LoadedManifest, logger?: Logger): Promise<PooledModel> {
    const key = manifestKey(loaded);
    let entry = this.models.get(key);
    if (!entry) {
      const created: ModelEntry = { ready: this.check(loaded, logger), views: 0 };
      entry = created;
      this.models.set(key, created);
      // A failed check leaves no entry behind: the next acquire tries again.
      created.ready.catch(() => {
        if (this.models.get(key) === created) this.models.delete(key);
      });
    }
    entry.views++;
    let shared;
    let model;
    try {
      ({ model, shared } = await entry.ready);
    } catch (err) {
      entry.views--;
      throw err;
    }
    return this.view(key, entry, model, shared.view());
  }

  private view(key: string, entry: ModelEntry, model: AutoencoderModel, inner: Model): PooledModel {
    let closed = false;
    return {
      name: inner.name,
      version: inner.version,
      channels: inner.channels,
      windowLength: inner.windowLength,
      samplePeriodMs: inner.samplePeriodMs,
      threshold: inner.threshold,
      minReadPoints: inner.minReadPoints,
      provider: model.provider,
      optimisedFromCache: model.optimisedFromCache,
      sha256: model.sha256,
      score: (windows) => inner.score(windows),
      close: async () => {
        if (closed) return;
        closed = true;
        // Taken out of the map before anything is awaited: an acquire from now on loads it again.
        if (--entry.views === 0 && this.models.get(key) === entry) this.models.delete(key);
        await inner.close();
      },
    };
  }

  /** Checks a manifest on its model file's session (shared), holding the session until the model closes. */
  private async check(
    loaded: LoadedManifest,
    logger: Logger | undefined,
  ): Promise<{ model: AutoencoderModel; shared: SharedModel }> {
    const { created, release } = await this.holdSession(loaded, logger ?? this.options.logger);
    const model = await AutoencoderModel.bind(loaded, created, undefined, release);
    return { model, shared: new SharedModel(model, this.options.maxBatch) };
  }

  /** Holds the session of a model file (created by its first holder); `release` gives the hold back. */
  private async holdSession(
    loaded: LoadedManifest,
    logger: Logger | undefined,
  ): Promise<{ created: CreatedSession; release: () => Promise<void> }> {
    const sha = loaded.manifest.sha256;
    let entry = this.sessions.get(sha);
    if (!entry) {
      this.sessionsCreated++;
      const { providers, cacheDir } = this.options;
      const created: SessionEntry = {
        created: AutoencoderModel.createSession(loaded, {
          ...(providers ? { providers } : {}),
          ...(logger ? { logger } : {}),
          ...(cacheDir ? { cacheDir } : {}),
        }),
        users: 0,
      };
      entry = created;
      this.sessions.set(sha, created);
      created.created.catch(() => {
        if (this.sessions.get(sha) === created) this.sessions.delete(sha);
      });
    }
    const held = entry;
    held.users++;
    let created;
    try {
      created = await held.created;
    } catch (err) {
      held.users--;
      throw err;
    }
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      if (this.sessions.get(sha) === held) this.sessions.delete(sha);
      await created.session.release();
    };
    return { created, release };
  }
}
