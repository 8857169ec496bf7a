/** Waiting on a bus (the gateway's `events`): the next payload published on a topic. */
import type { Subscribable } from '../../src/core/event-bus.js';

/** Resolves with the next payload published on `topic` (the next that `matches`, where given), then unsubscribes. */
export function nextEvent<Topics extends object, K extends keyof Topics & string>(
  events: Subscribable<Topics>,
  topic: K,
  matches: (payload: Topics[K]) => boolean = () => true,
): Promise<Topics[K]> {
  return new Promise((resolve) => {
    const unsubscribe = events.subscribe(topic, (payload) => {
      if (!matches(payload)) return;
      unsubscribe();
      resolve(payload);
    });
  });
}
