/**
 * Micro-batching for callers that score one window at a time (the Node-RED score node): windows
 * that arrive while a run is in flight (or in the same turn of the event loop) go into the next
 * run together, so a burst costs one session.run instead of one per window, and a lone window
 * waits for nothing but a microtask. Results come back
 * per window, in order; a failed run rejects the windows that were in it and nothing else.
 */
export class MicroBatcher<I, O> {
  private pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 64,
  ) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.running) return;
      // Start on the next microtask: items pushed in the same turn (a burst, one asset's queued
      // windows, several assets at once) go into the first run together.
      this.running = true;
      queueMicrotask(() => void this.drain());
    });
  }

  /** Windows waiting for the next run. */
  get waiting(): number {
    return this.pending.length;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const out = await this.run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.running = false;
  }
}
