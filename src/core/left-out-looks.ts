/**
 * The looks at topics left out of an MQTT 3.1.1 subscription for a retained message too large to read
 * (oversize-retained.ts): each is looked at when due, on a connection of its own (retained-probe.ts), one at a time;
 * the caller is told what each look found: still there (or no answer), or gone (subscribe to its filters again). Used
 * by the MQTT source and by the release notices' client, so both come back the same way.
 */
import type { MqttBroker } from './mqtt-connection.js';
import type { RefusedPacket } from './mqtt-packet-bound.js';
import { MAX_TIMER_MS } from './config-primitives.js';
import { OversizeRetained, type LeftOut, type LeftOutRetry } from './oversize-retained.js';
import { probeRetained, type RetainedProbe } from './retained-probe.js';

export interface LeftOutLooksOptions {
  readonly broker: MqttBroker;
  /** How a look connects: the client's role with its own client id, its bound and timeout. */
  readonly probe: Omit<RetainedProbe, 'filters'>;
  readonly filters: readonly string[];
  readonly v311: boolean;
  readonly now: () => number;
  readonly retry?: LeftOutRetry;
  /** A look found it still there (`why` undefined), or could not tell (`why`): left out, looked at again later. */
  readonly still: (left: LeftOut, why: string | undefined) => void;
  /** A look found no retained message over the bound on `topic`: subscribe to `filters` again. */
  readonly back: (topic: string, filters: readonly string[]) => Promise<void> | void;
}

export class LeftOutLooks {
  readonly leftOut: OversizeRetained;
  private timer: NodeJS.Timeout | undefined;
  /** The look in flight (a stop waits for it: it is bounded by the probe's timeout). */
  private looking: Promise<void> | undefined;
  private stopped = false;
  /** Aborted at stop: a look in flight ends at once. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: LeftOutLooksOptions) {
    this.leftOut = new OversizeRetained(options.filters, options.v311, options.now, options.retry);
  }

  /** A packet over the bound closed the connection: what is left out now for it, if anything (looked at later). */
  refused(packet: RefusedPacket): LeftOut | undefined {
    const left = this.leftOut.refused(packet);
    if (left) this.schedule();
    return left;
  }

  /** No more looks; resolves once the one in flight, if any, has ended (at once, or once connected: timeoutMs). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
    await this.looking;
  }

  /** Sets the timer of the next look (none while one is in flight: it sets it when done). */
  private schedule(): void {
    clearTimeout(this.timer);
    const at = this.leftOut.nextTryAt();
    if (at === undefined || this.stopped || this.looking) return;
    this.timer = setTimeout(
      () => (this.looking = this.look(at).finally(() => ((this.looking = undefined), this.schedule()))),
      Math.min(Math.max(at - this.options.now(), 0), MAX_TIMER_MS),
    );
    this.timer.unref(); // a look alone keeps no process alive (the client it is for does)
  }

  /** Looks at each left-out topic due by `at` (the time its timer was set for: the clock may be a test's). */
  private async look(at: number): Promise<void> {
    const { broker, probe, still, back } = this.options;
    for (const left of this.leftOut.due(at)) {
      if (this.stopped) return;
      const found = await probeRetained(broker, {
        ...probe,
        filters: left.filters,
        signal: this.stopping.signal,
      }).catch((err: Error) => err);
      if (this.stopped) return;
      const looked = this.leftOut.lookedAt(left, found);
      if ('still' in looked)
        still(
          looked.still,
          found instanceof Error ? found.message : found?.retained ? undefined : `a ${found?.type} over the bound`,
        );
      else if (looked.back.length > 0) await back(left.topic, looked.back);
    }
  }
}
