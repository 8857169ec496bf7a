/**
 * What the model updater needs of the gateway: the assets running a model, the model each is configured with, swapping
 * a model in, its outcomes.
 */
import type { Model } from '../core/components.js';
import type { LoadedManifest } from '../inference/manifest.js';
import type { ModelStore } from './model-store.js';
import type { ModelUpdatesConfig } from './schema.js';
import type { OutcomeReporter } from './update-outcome.js';
import type { ModelUpdateEvent } from './update-outcome.js';

/** An asset running a model a notice names. */
export interface UpdateTarget {
  readonly asset: string;
  readonly model: Model;
  readonly samplePeriodMs: number;
  /** The release_sequence of the model the asset is configured with, if its manifest carries one: a release must be
   * above it. */
  readonly releaseSequence?: number;
}

/** What the updater needs of the gateway. */
export interface UpdateHost {
  /** Assets whose current model has this name, with that model. */
  assetsRunning(modelName: string): UpdateTarget[];
  /**
   * The names of the models the assets run (the release notices' client subscribes to each one's topic while a
   * retained notice too large to read keeps it off every model's: notice-filters.ts); none where it cannot tell.
   */
  modelNames?(): readonly string[];
  currentModel(asset: string): Model | undefined;
  /** The model the asset is configured with (what a local rollback goes back to where no release is left). */
  configuredModel(asset: string): LoadedManifest | undefined;
  /** Replaces the asset's model between two scoring runs; returns the model before it (a run may still use it). */
  swapModel(asset: string, model: Model): Model;
  /** Resolves once the asset's scoring runs started so far have ended (a model swapped out may then be closed). */
  runsEnded(asset: string): Promise<void>;
  report(event: ModelUpdateEvent): void;
  /** Something the statuses show changed with no outcome reported (a probation waiting for windows): publish again. */
  statusChanged?(): void;
}

/** What each part of the updater (probation watch, release applier, local rollback) works with. */
export interface UpdaterParts {
  readonly config: ModelUpdatesConfig;
  readonly host: UpdateHost;
  /** Each asset's records: confirmed, rolled back, on probation. */
  readonly store: ModelStore;
  readonly outcomes: OutcomeReporter;
  readonly now: () => number;
}
