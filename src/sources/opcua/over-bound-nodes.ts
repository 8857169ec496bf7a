/**
 * The nodes a daemon OPC UA source leaves out of its subscription because each one's value alone is over
 * max_message_bytes, on a server that sends it anyway. A server that keeps to the bound sends such an item as
 * BadResponseTooLarge and the others flow; one that ignores it sends the publish response whole, the client refuses
 * it and the connection closes (message-bound.ts). Subscribed again, the item's first notification is the same value,
 * so without this the whole source (every node of that PLC) went down and came back at its backoff, for ever.
 *
 * After a refusal at the bound, `find` reads the nodes about to be subscribed once, in parts, on connections of their
 * own (read-nodes.ts, as `run --once` does): those whose value alone is refused are left out, each logged once with
 * its configuration path, channel, the bound and the setting to raise; the others are subscribed. A node left out is
 * retried at the source's backoff (250 ms doubling to 15 s, jittered), read alone on a connection of its own: a value
 * still over the bound closes that connection, not the subscription, and is counted (`too_large`), not logged again.
 * When it reads (its value shrank, or max_message_bytes was raised by a reload, which builds a new source), `onBack`
 * has the source subscribe it again: that rebuilds the subscription once. Not retried inside the live subscription:
 * on this server a value still over the bound would close it, and every other node's samples with it, at each retry.
 * Where no node alone is over the bound (several together are), nothing is left out: the server is asked for at most
 * half as many notifications per publish response (`perPublish`) as the last subscription allowed (at first half the
 * nodes), down to one, each step logged once with the setting to raise; a server that keeps to it splits a publishing
 * cycle over several responses. A new source (a reload) starts without a limit.
 */
import { FailureStreak } from '../../core/backoff.js';
import type { Logger } from '../../telemetry/logger.js';
import type { GatewayMetrics } from '../../telemetry/metrics.js';
import type { Reading } from './client-adapter.js';
import { describeNodeOverBound } from './message-bound.js';
import { isUnread, type Unread } from './read-in-parts.js';

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 15_000;

export interface OverBoundDeps {
  readonly source: string;
  /** `device NAME (ENDPOINT)`, as the source's messages start. */
  readonly device: string;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Reads the configured nodes in `only` once, on connections of their own (read-nodes.ts). */
  read(only: ReadonlySet<number>): Promise<Map<number, Reading | Unread>>;
  /** max_message_bytes, and its configuration path (`sources[0].max_message_bytes`). */
  readonly bound: number;
  readonly setting: string;
  /** How node `index` is named in messages: its configuration path, node id and channel (node-ids.ts). */
  label(index: number): string;
  /** The channel of node `index` (log fields). */
  channel(index: number): string;
  random?: () => number;
}

export class OverBoundNodes {
  /** By configured node index: why it is left out. */
  private readonly left = new Map<number, string>();
  private readonly retries: FailureStreak;
  private timer: NodeJS.Timeout | undefined;
  /** A retry under way (its connections open). */
  private retrying: Promise<void> | undefined;
  private stopped = false;
  /** The most notifications a publish response may carry (OpcuaConnection.subscribe); 0: no limit. */
  private perPublish = 0;

  constructor(private readonly deps: OverBoundDeps) {
    this.retries = new FailureStreak(RETRY_MIN_MS, RETRY_MAX_MS, deps.random);
  }

  has(index: number): boolean {
    return this.left.has(index);
  }

  /** The nodes left out, by index, with why (a bad sample's reason, /api/status). */
  entries(): [number, string][] {
    return [...this.left];
  }

  /** The most notifications the server may put in one publish response; 0: no limit. */
  notificationsPerPublish(): number {
    return this.perPublish;
  }

  /**
   * After a message refused at the bound: reads `indices` in parts; a node whose value alone is refused is left out
   * and logged; where none is, fewer notifications per publish response are asked for. Rejects where the reads cannot
   * start (the server is not there): the source's failure, not a node's.
   */
  async find(indices: readonly number[]): Promise<void> {
    const readings = await this.deps.read(new Set(indices));
    const before = this.left.size;
    this.leaveOut(readings);
    if (this.left.size === before && indices.length > 1 && this.perPublish !== 1) this.fewerPerPublish(indices.length);
  }

  /** No node alone is over the bound, together they are: at most half as many notifications per publish response. */
  private fewerPerPublish(nodes: number): void {
    this.perPublish = this.perPublish === 0 ? Math.ceil(nodes / 2) : Math.max(1, Math.floor(this.perPublish / 2));
    const { device, bound, setting } = this.deps;
    this.deps.logger.warn(
      { source: this.deps.source, notifications_per_publish: this.perPublish },
      `${device}: no node's value alone is over max_message_bytes (${bound} bytes, ${setting}), but together they are: the server is asked for at most ${this.perPublish} notifications per publish response; raise ${setting} to take them in one`,
    );
  }

  /** Leaves out each node whose value alone was refused, and logs it. */
  private leaveOut(readings: Map<number, Reading | Unread>): void {
    for (const [index, reading] of readings) {
      if (!isUnread(reading) || !reading.tooLarge || this.left.has(index)) continue;
      const { device, bound, setting } = this.deps;
      const text = reading.described ? reading.unread : describeNodeOverBound(bound, setting, reading.unread);
      const why = `${device}: ${this.deps.label(index)}: ${text}`;
      this.left.set(index, why);
      this.deps.logger.warn(
        { source: this.deps.source, channel: this.deps.channel(index) },
        `${why}; left out of the subscription (the other nodes stay subscribed), tried again alone at the source's backoff`,
      );
    }
  }

  /**
   * Once subscribed without them: retries the nodes left out after the next backoff, and again until one reads;
   * then calls `onBack` (once) with those that came back, no longer left out.
   */
  retryLater(onBack: (indices: number[]) => void): void {
    if (this.left.size === 0 || this.timer || this.stopped) return;
    this.timer = setTimeout(() => (this.retrying = this.retry(onBack)), this.retries.delayMs());
    this.timer.unref();
  }

  private async retry(onBack: (indices: number[]) => void): Promise<void> {
    const tried = new Set(this.left.keys());
    let readings: Map<number, Reading | Unread> | undefined;
    try {
      readings = await this.deps.read(tried);
    } catch (err) {
      // The server or link is down: the subscription's own connection says so; try again later.
      this.deps.logger.debug({ source: this.deps.source }, `${this.deps.device}: retry of the nodes left out: ${err}`);
    }
    this.timer = undefined;
    if (this.stopped) return;
    // Read (whatever its status or type: the subscription says what is wrong with it), not refused or unread.
    const back = [...tried].filter((i) => readings?.has(i) && !isUnread(readings.get(i)));
    if (back.length === 0) {
      this.retries.fail('over the bound');
      if (readings) {
        this.deps.metrics.sourceErrors.inc({ source: this.deps.source, kind: 'too_large' });
        this.deps.logger.debug(
          { source: this.deps.source, left_out: tried.size },
          `${this.deps.device}: the nodes left out are still over max_message_bytes`,
        );
      }
      this.retryLater(onBack);
      return;
    }
    this.retries.end();
    for (const index of back) {
      this.left.delete(index);
      this.deps.logger.info(
        { source: this.deps.source, channel: this.deps.channel(index) },
        `${this.deps.device}: ${this.deps.label(index)}: its value is under max_message_bytes again; subscribing it again`,
      );
    }
    onBack(back);
  }

  /** No retry after it; resolves once a retry under way has closed its connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.retrying;
  }
}
