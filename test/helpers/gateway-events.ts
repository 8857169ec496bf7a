/** Waiting on a bus (the gateway's `events`): the next payload published on a topic. */
import type { Subscribable } from '../../src/core/event-bus.js';

/** Resolves with the next payload published on `topic`, then unsubscribes. */
export function nextEvent<Topics extends object, K extends keyof Topics & string>(
  events: Subscribable<Topics>,
  topic: K,
): Promise<Topics[K]> {
  return new Promise((resolve) => {
    const unsubscribe = events.subscribe(topic, (payload) => {
      unsubscribe();
      resolve(payload);
    });
  });
}
