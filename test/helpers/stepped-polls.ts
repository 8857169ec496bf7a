/**
 * A source's first `polls` batches, one step each (tests that change a PLC's registers between polls and advance an
 * injected clock): `step(batch, k)` is called for batch k, in order, and later batches are ignored. Starts the source,
 * registers its stop in `cleanups`, and resolves once the last step ran. No sleeps: it awaits each batch.
 */
import { EventEmitter, once } from 'node:events';
import type { Sample } from '../../src/core/types.js';

export interface SteppedSource {
  start(onBatch: (batch: readonly Sample[]) => void): Promise<void>;
  stop(): Promise<unknown>;
}

export async function steppedPolls(
  source: SteppedSource,
  polls: number,
  step: (batch: readonly Sample[], k: number) => void,
  cleanups: (() => Promise<unknown>)[],
): Promise<void> {
  let k = 0;
  const seen = new EventEmitter();
  await source.start((batch) => {
    if (k === polls) return;
    step(batch, k++);
    seen.emit('batch');
  });
  cleanups.push(() => source.stop());
  while (k < polls) await once(seen, 'batch');
}
