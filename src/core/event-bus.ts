/**
 * A small typed, synchronous publish/subscribe bus. The topics and their payload types come from a
 * type map (`{ scores: readonly ScoreResult[]; alarm: AlarmEvent; ... }`). `publish` calls every
 * subscriber of the topic in the order they subscribed, before it returns. A subscriber that throws
 * stops neither the others nor the publisher: the error goes to the `onError` given at
 * construction, with the topic. Subscribing or unsubscribing while a publish runs takes effect
 * from the next publish (each topic's list is replaced, never changed in place, so a publish walks
 * its list without copying it).
 */

/** The read side of a bus: what a consumer that only listens is given. */
export interface Subscribable<Topics extends object> {
  /** Calls `handler` with every payload published on `topic` until the returned function is called. */
  subscribe<K extends keyof Topics & string>(topic: K, handler: (payload: Topics[K]) => void): () => void;
}

/** One subscription; its identity is what unsubscribing removes (a handler may subscribe twice). */
interface Subscription<T> {
  readonly handler: (payload: T) => void;
}

export class EventBus<Topics extends object> implements Subscribable<Topics> {
  private readonly subscriptions = new Map<keyof Topics, readonly Subscription<never>[]>();

  /** `onError` hears of every error a subscriber throws; it must not throw itself. */
  constructor(private readonly onError: (topic: keyof Topics & string, error: unknown) => void) {}

  subscribe<K extends keyof Topics & string>(topic: K, handler: (payload: Topics[K]) => void): () => void {
    const subscription: Subscription<Topics[K]> = { handler };
    this.subscriptions.set(topic, [...this.subscribersOf(topic), subscription]);
    return () => {
      const left = this.subscribersOf(topic).filter((s) => s !== subscription);
      if (left.length > 0) this.subscriptions.set(topic, left);
      else this.subscriptions.delete(topic);
    };
  }

  publish<K extends keyof Topics & string>(topic: K, payload: Topics[K]): void {
    for (const { handler } of this.subscribersOf(topic)) {
      try {
        handler(payload);
      } catch (error) {
        this.onError(topic, error);
      }
    }
  }

  /** How many subscriptions `topic` has now. */
  subscriberCount(topic: keyof Topics & string): number {
    return this.subscribersOf(topic).length;
  }

  private subscribersOf<K extends keyof Topics>(topic: K): readonly Subscription<Topics[K]>[] {
    return (this.subscriptions.get(topic) ?? []) as readonly Subscription<Topics[K]>[];
  }
}
