/**
 * The queue size a node asks for where its config leaves `queue_size` out (pure): room for every sample the server
 * takes between two publishes, twice over (a publish response sent or taken late), bounded. With a queue of one the
 * server keeps only the newest value of an item between publishes: a curve sampled at 20 ms and published every
 * 100 ms lost four samples in five. The server may grant less (it says so: monitoring-refusal.ts).
 */

/** The most a derived queue asks for: a sampling interval of 0 (as fast as the server can) asks this many. */
export const MAX_DERIVED_QUEUE_SIZE = 100;

/** Twice the samples taken in one publishing interval (at least 2), at most MAX_DERIVED_QUEUE_SIZE. */
export function derivedQueueSize(publishingMs: number, samplingMs: number): number {
  if (samplingMs <= 0) return MAX_DERIVED_QUEUE_SIZE;
  return Math.min(MAX_DERIVED_QUEUE_SIZE, 2 * Math.max(1, Math.ceil(publishingMs / samplingMs)));
}
