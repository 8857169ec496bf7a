/**
 * Shadow probation of a release whose threshold is broken, end to end (a real broker, a real gateway scoring the
 * simulator's healthy pump, releases signed and served as a publisher does): the shipped pump-ae signed again with its
 * threshold raised 1000 × flags nothing, so its anomalous fraction passes; compared on the same windows with the model
 * before, each score as a share of its own threshold, it is rolled back at the end of probation. A retrained model on
 * another score scale (the shipped pump-conv-ae, released as pump-ae) is confirmed.
 */
import { describe, expect } from 'vitest';
import {
  applyRelease,
  makeRelease,
  makeReleaseOf,
  nextModelEvent,
  restartWithUpdates,
  scoredBy,
  useUpdateGateways,
  type TestGateway,
} from '../helpers/update-gateway.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';

const it = useUpdateGateways();

const SEED = '1.0.0+seed7';

/** Announces the release at `url`; resolves, once it is applied, with the outcome of its probation. */
async function probationOf(gw: TestGateway, version: string, url: string): Promise<ModelUpdateEvent> {
  await applyRelease(gw, version, url);
  return nextModelEvent(gw);
}

describe('shadow probation of a release whose threshold is broken', () => {
  it('rolls back a release whose threshold was raised 1000 × (it flags nothing), and confirms a retrained one', async ({
    gw,
  }) => {
    // 8 s of probation: about 8 windows at the demo's hop of 1 s, over min_windows 4.
    await restartWithUpdates(gw, (u) => (u.probation_s = 8));
    const deaf = await makeRelease(gw, '1.3.0-deaf', (m) => (m.score.threshold *= 1000)); // signed after the edit
    const rolled = await probationOf(gw, '1.3.0-deaf', deaf);
    // Before: confirmed (0 of its windows anomalous), then blind to every fault the model before flags.
    expect(rolled).toMatchObject({ outcome: 'rolled_back', version: SEED, previousVersion: '1.3.0-deaf' });
    expect(rolled.reason).toMatch(
      /^misbehaved on probation: its threshold is too high for its scores: over \d+ windows the model before judged normal its scores reached at most [\d.]+ % of its threshold, below the least the model before reached of its own \([\d.]+ %\)$/,
    );
    await scoredBy(gw, SEED);
    // Another model trained on the same inputs: a convolutional autoencoder, its own score scale and threshold.
    const retrained = await makeReleaseOf(gw, 'models/pump-conv-ae', '1.4.0-conv');
    expect(await probationOf(gw, '1.4.0-conv', retrained)).toMatchObject({
      outcome: 'confirmed',
      version: '1.4.0-conv',
    });
    await scoredBy(gw, '1.4.0-conv');
  });
});
