/**
 * The gateway's side of model updates (UpdateHost) over its asset pipelines: which assets run a model, the model each
 * is configured with, swapping one in between two scoring runs, and where outcomes are reported.
 */
import type { LoadedManifest } from '../inference/manifest.js';
import type { UpdateHost } from '../sync/update-host.js';
import type { ModelUpdateEvent } from '../sync/update-outcome.js';
import type { AssetPipeline } from './asset-pipeline.js';

/** `pipelines` is read at each call (the gateway fills it at start); `configured`: each asset's configured model. */
export function pipelinesUpdateHost(
  pipelines: readonly AssetPipeline[],
  configured: ReadonlyMap<string, LoadedManifest>,
  report: (event: ModelUpdateEvent) => void,
): UpdateHost {
  const find = (asset: string) => pipelines.find((p) => p.config.name === asset);
  return {
    assetsRunning: (modelName) =>
      pipelines
        .filter((p) => p.model.name === modelName)
        .map((p) => {
          const manifest = configured.get(p.config.name)!.manifest;
          return {
            asset: p.config.name,
            model: p.model,
            samplePeriodMs: manifest.input.sample_period_ms,
            releaseSequence: manifest.release_sequence,
          };
        }),
    modelNames: () => [...new Set(pipelines.map((p) => p.model.name))],
    currentModel: (asset) => find(asset)?.model,
    configuredModel: (asset) => configured.get(asset),
    swapModel: (asset, model) => find(asset)!.swapModel(model),
    runsEnded: async (asset) => find(asset)?.idle(),
    report,
  };
}
