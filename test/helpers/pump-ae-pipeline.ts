/** The gateway's asset pipeline for an asset `pump-1` scoring the shipped pump-ae model (default window settings),
 * collecting its scores; `close` ends the model's session. */
import { join } from 'node:path';
import { assetSchema } from '../../src/config/schema.js';
import type { ScoreResult } from '../../src/core/types.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from './cli.js';

export const PUMP_AE = join(ROOT, 'models/pump-ae');

export async function pumpAePipeline(
  metrics = new GatewayMetrics(),
): Promise<{ pipeline: AssetPipeline; scores: ScoreResult[]; close: () => Promise<void> }> {
  const model = await AutoencoderModel.load(await loadManifest(PUMP_AE), { asset: 'pump-1' });
  const scores: ScoreResult[] = [];
  const pipeline = new AssetPipeline(
    assetSchema.parse({ name: 'pump-1', model: 'pump-ae', window: {} }),
    model,
    { onScores: (s) => scores.push(...s), onAlarm: () => undefined, onParts: () => undefined },
    { logger: silentLogger(), metrics, now: () => 0 },
  );
  return { pipeline, scores, close: () => model.close() };
}
