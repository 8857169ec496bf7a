/**
 * An OPC UA subscription's samples as batches, one per publish response: the notifications that came with it, then
 * the values held for items that did not change (held-items.ts), stamped at its publish time. Counted as they are
 * delivered: the notifications in linewatch_samples_total, the held values apart in
 * linewatch_source_held_samples_total, and one poll. A response that carries several samplings (an item's queue: its
 * sampling interval shorter than the publishing interval, or a publish late) lists each item's values together,
 * oldest first (A1 A2 B1 B2 …): they are put in the order they were taken (A1 B1 … A2 B2 …), so that the rows split
 * them where a channel comes again (windows/samplings.ts) as whole samplings. In the servers' order each row took one
 * channel more of the later sampling: 2 samplings of 7 nodes made 8 rows, 7 of them at the later one's time with
 * values of both (rowgap-s38: scores of 2.3 rose to 6.9 on a healthy pump).
 */
import type { Sample } from '../../core/types.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import { HeldItems } from './held-items.js';

export class PublishBatches {
  private pending: Sample[] = [];
  private flushScheduled = false;
  /** Each item's last notification on this subscription, held while it does not change. */
  private readonly held = new HeldItems();
  /** The publish time of the newest publish response since the last batch (its arrival, where it had none). */
  private publishTs: number | undefined;
  /** The items that came in the pending batch, and whether one came more than once (several samplings). */
  private readonly itemsCame = new Set<number>();
  private cameAgain = false;

  constructor(
    private readonly deps: {
      /** The source's name, the metrics' label. */
      source: string;
      metrics: GatewayMetrics;
      now: () => number;
      /** Whether batches are delivered (the source runs); counted only where they are. */
      running: () => boolean;
      deliver: (batch: Sample[]) => void;
    },
  ) {}

  /**
   * A new subscription, which holds nothing of the last one's: each item's sampling interval, and the keep-alive period
   * to go by until the server says what it granted (keepAlive).
   */
  reset(samplingMs: readonly number[], keepAliveMs: number): void {
    this.held.reset(samplingMs, keepAliveMs);
    this.publishTs = undefined;
  }

  /** The keep-alive period the server granted. */
  keepAlive(ms: number): void {
    this.held.keepAlive(ms);
  }

  /** A publish response (changes, or a keep-alive) at `publishTs` (the server's clock); returns when it came. */
  published(publishTs: number | undefined): number {
    // node-opcua calls this before the response's own changes: where an earlier response's are still waiting (two
    // responses in one turn, a loaded gateway), they go as their own batch first, held values stamped at their publish.
    if (this.flushScheduled) this.flush();
    const now = this.deps.now();
    this.publishTs = publishTs ?? now;
    this.scheduleFlush();
    return now;
  }

  /**
   * A sample of item `index` (a notification, or a node left out as a bad sample), received at `now`, with the
   * notification's serverTimestamp where it had one.
   */
  add(index: number, sample: Sample, now: number, serverTs?: number): void {
    this.pending.push(sample);
    if (this.itemsCame.has(index)) this.cameAgain = true;
    else this.itemsCame.add(index);
    this.held.noted(index, sample, this.publishTs ?? now, serverTs);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // A publish response and its notifications arrive in one turn: deliver them as one batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    // Several samplings of an item: in the order taken (the module comment); a stable sort keeps each one's items.
    if (this.cameAgain) batch.sort(byStamp);
    this.itemsCame.clear();
    this.cameAgain = false;
    // The notifications that came, then the held values (held-items.ts) after them.
    const came = batch.length;
    const held = this.publishTs !== undefined ? this.held.hold(batch, this.publishTs, this.deps.now()) : 0;
    this.publishTs = undefined;
    if (batch.length === 0 || !this.deps.running()) return;
    const { metrics, source } = this.deps;
    let good = 0;
    for (let i = 0; i < came; i++) if (batch[i].quality === 'good') good++;
    if (good > 0) metrics.samples.inc({ source, quality: 'good' }, good);
    if (came > good) metrics.samples.inc({ source, quality: 'bad' }, came - good);
    // Counted apart from the readings that came, as an MQTT source's held tags are: a reader can tell them apart.
    if (held > 0) metrics.heldSamples.inc({ source }, held);
    metrics.sourcePolls.inc({ source });
    this.deps.deliver(batch);
  }
}

/** Oldest stamp first. */
function byStamp(a: Sample, b: Sample): number {
  return a.ts - b.ts;
}
