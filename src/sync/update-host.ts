/** What the model updater needs of the gateway: the assets running a model, swapping a model in, its outcomes. */
import type { Model } from '../core/components.js';
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
  currentModel(asset: string): Model | undefined;
  swapModel(asset: string, model: Model): Model;
  report(event: ModelUpdateEvent): void;
}
