/**
 * An orderly stop during probation (gateway.stop() stops the updater before the sources stop and the pipelines
 * drain): the model that scores for the gateway must still score the windows flushed after it. Shadowed, that is the
 * model before the release; live, the release. The store and outcomes are stand-ins: only what the asset runs counts.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/core/components.js';
import type { Window } from '../../src/core/types.js';
import { pumpModel as model } from '../helpers/pump-model.js';
import { ProbationWatch } from '../../src/sync/probation-watch.js';
import { modelUpdatesSchema } from '../../src/sync/schema.js';
import type { ModelStore } from '../../src/sync/model-store.js';
import type { OutcomeReporter } from '../../src/sync/update-outcome.js';
import { silentLogger } from '../../src/telemetry/logger.js';

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
      configuredModel: () => undefined,
      swapModel: (_asset, next) => {
        const was = current;
        current = next;
        return was;
      },
      runsEnded: nothing,
      report: () => undefined,
    },
    store: { markProbation: nothing, clearProbation: nothing } as unknown as ModelStore,
    outcomes: { report: (e: unknown) => e } as unknown as OutcomeReporter,
    now: () => 0,
    onChain: (step) => step(),
    logger: silentLogger(),
  });
  await watch.begin(
    'pump-1',
    release,
    { dir: '/store/pump-1/1.2.0', sequence: 2, sha256: 'ab' },
    {
      asset: 'pump-1',
      model: 'pump-ae',
      version: '1.2.0',
      previousVersion: '1.0.0',
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
    expect([before.closed, release.closed]).toEqual([0, 1]);
  });

  it('live: leaves the release in place and closes the model before it', async () => {
    const { current, before } = await stoppedDuring('live');
    expect((await current.score([win])).map((r) => r.modelVersion)).toEqual(['1.2.0']);
    expect(before.closed).toBe(1);
  });
});
