/**
 * One inference session shared by every asset that runs the same model (ten identical pumps,
 * one model file): each asset gets a view, and windows from all of them are scored together in
 * micro-batches, so ten assets cost one session.run where they cost ten, and one session's
 * memory instead of ten.
 *
 * Each asset's own threshold (alarm.threshold) is applied by its pipeline, as for any model.
 *
 * Latency: batches form from the windows that arrived while the previous run was in flight
 * (plus those pushed in the same turn of the event loop); nothing waits for a batch to fill.
 * A window waits at most for the run in flight, then runs in the next (up to `maxBatch`
 * windows; beyond that, one more run per `maxBatch`).
 */
import type { Model } from '../core/components.js';
import type { ScoreResult, Window } from '../core/types.js';
import { MicroBatcher } from './micro-batcher.js';

export class SharedModel {
  private readonly batcher: MicroBatcher<Window, ScoreResult | Error>;
  private views = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly model: Model,
    maxBatch = 64,
  ) {
    this.batcher = new MicroBatcher((windows) => SharedModel.isolated(model, windows), maxBatch);
  }

  /**
   * Scores a shared batch. If the run fails (a window with NaN, a wrong shape) and it held more
   * than one window, each window runs alone, so only the bad ones fail: one asset's bad window
   * never fails another asset's.
   */
  private static async isolated(model: Model, windows: Window[]): Promise<(ScoreResult | Error)[]> {
    try {
      return await model.score(windows);
    } catch (err) {
      if (windows.length === 1) return [err as Error];
      return Promise.all(
        windows.map((w) =>
          model.score([w]).then(
            (r) => r[0],
            (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
          ),
        ),
      );
    }
  }

  /** A model for one asset: its windows go into the shared batches (its own threshold is the pipeline's to apply). */
  view(): Model {
    this.views++;
    let closed = false;
    const { model, batcher } = this;
    return {
      name: model.name,
      version: model.version,
      channels: model.channels,
      windowLength: model.windowLength,
      samplePeriodMs: model.samplePeriodMs,
      threshold: model.threshold,
      minReadPoints: model.minReadPoints,
      score: async (windows) =>
        (await Promise.all(windows.map((w) => batcher.push(w)))).map((r) => {
          if (r instanceof Error) throw r;
          return r;
        }),
      close: async () => {
        if (closed) return;
        closed = true;
        if (--this.views === 0) await (this.closing ??= model.close());
      },
    };
  }
}
