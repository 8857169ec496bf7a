/** The gateway's UpdateHost over its pipelines: the model names the release notices' client subscribes to. */
import { describe, expect, it } from 'vitest';
import type { AssetPipeline } from '../../src/runtime/asset-pipeline.js';
import { pipelinesUpdateHost } from '../../src/runtime/pipelines-update-host.js';

const pipeline = (asset: string, model: string) =>
  ({ config: { name: asset }, model: { name: model } }) as unknown as AssetPipeline;

describe('pipelinesUpdateHost', () => {
  it("names each model the assets run once, as the pipelines are when asked (filled at start, a model's swap)", () => {
    const pipelines: AssetPipeline[] = [];
    const host = pipelinesUpdateHost(pipelines, new Map(), () => undefined);
    expect(host.modelNames?.()).toEqual([]);
    pipelines.push(pipeline('pump-1', 'pump-ae'), pipeline('press-1', 'press-ae'), pipeline('pump-2', 'pump-ae'));
    expect(host.modelNames?.()).toEqual(['pump-ae', 'press-ae']);
  });
});
