/** A source's first batches, polled from a test server: each step waits for the source's batch (no sleeps). */
import { EventEmitter, once } from 'node:events';
import type { Sample } from '../../src/core/types.js';
import type { ModbusSource } from '../../src/sources/modbus/modbus-source.js';

/**
 * Starts `source` and resolves with its first `polls` batches; `next(n)` runs after the n-th (a test's clock moved on,
 * its server's registers set for the next poll). The source's stop is put in `cleanups`.
 */
export async function polledBatches(
  source: ModbusSource,
  polls: number,
  next: (n: number) => void,
  cleanups: (() => Promise<unknown>)[],
): Promise<Sample[][]> {
  const batches: Sample[][] = [];
  const seen = new EventEmitter();
  await source.start((batch) => {
    if (batches.length === polls) return;
    batches.push([...batch]);
    next(batches.length);
    seen.emit('batch');
  });
  cleanups.push(() => source.stop());
  while (batches.length < polls) await once(seen, 'batch');
  return batches;
}
