/**
 * An orderly stop during probation (gateway.stop() stops the updater before the sources stop and the pipelines
 * drain): the model that scores for the gateway must still score the windows flushed after it. Shadowed, that is the
 * model before the release; live, the release. The store and outcomes are stand-ins: only what the asset runs counts.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/core/components.js';
import type { ScoreResult, Window } from '../../src/core/types.js';
import { ProbationWatch } from '../../src/sync/probation-watch.js';
import { modelUpdatesSchema } from '../../src/sync/schema.js';
import type { ModelStore } from '../../src/sync/model-store.js';
import type { OutcomeReporter } from '../../src/sync/update-outcome.js';

/** A model that refuses to score once closed, as an ONNX session does ("Session already disposed"). */
function model(version: string): Model & { closed: boolean } {
  return {
    name: 'pump-ae',
    version,
    channels: ['a'],
    windowLength: 1,
    samplePeriodMs: 200,
    threshold: 0.3,
    closed: false,
    async score(windows: readonly Window[]): Promise<ScoreResult[]> {
      if (this.closed) throw new Error('Session already disposed.');
      return windows.map((w) => ({
        asset: w.asset,
        model: 'pump-ae',
        modelVersion: version,
        ts: w.end,
        score: 0,
        threshold: 0.3,
        anomalous: false,
        contributions: [],
      }));
    },
    async close() {
      this.closed = true;
    },
  };
}

const win: Window = { asset: 'pump-1', channels: ['a'], length: 1, start: 0, end: 1, data: Float32Array.of(0) };

async function stoppedDuring(probation: 'shadow' | 'live') {
  const before = model('1.0.0');
  const release = model('1.2.0');
  let current: Model = before;
  const nothing = async () => undefined;
  const watch = new ProbationWatch({
    config: modelUpdatesSchema.parse({ public_key_file: '/k.pem', probation }),
    host: {
      assetsRunning: () => [],
      currentModel: () => current,
      swapModel: (_asset, next) => {
        const was = current;
        current = next;
        return was;
      },
      report: () => undefined,
    },
    store: { markProbation: nothing, clearProbation: nothing } as unknown as ModelStore,
    outcomes: { report: (e: unknown) => e } as unknown as OutcomeReporter,
    now: () => 0,
    onChain: (step) => step(),
  });
  await watch.begin(
    'pump-1',
    release,
    { dir: '/store/pump-1/1.2.0', sequence: 2, sha256: 'ab' },
    {
      asset: 'pump-1',
      model: 'pump-ae',
      version: '1.2.0',
      ts: 0,
    },
  );
  await watch.stop();
  return { current, before, release };
}

describe('an orderly stop during probation', () => {
  it('shadowed: puts the model before back, still scoring, and closes the release', async () => {
    const { current, before, release } = await stoppedDuring('shadow');
    expect(current).toBe(before);
    // Before: the model before was closed while it still scored for the gateway ("Session already disposed.").
    expect((await current.score([win])).map((r) => r.modelVersion)).toEqual(['1.0.0']);
    expect([before.closed, release.closed]).toEqual([false, true]);
  });

  it('live: leaves the release in place and closes the model before it', async () => {
    const { current, before } = await stoppedDuring('live');
    expect((await current.score([win])).map((r) => r.modelVersion)).toEqual(['1.2.0']);
    expect(before.closed).toBe(true);
  });
});
