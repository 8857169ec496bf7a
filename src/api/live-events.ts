/**
 * The gateway's events as the API streams them (GET /api/events): one DaemonEvent per score,
 * alarm transition, part verdict, model update and gap the alarm journal recorded, subscribed only for the types a
 * client asked for.
 */
import type { Subscribable } from '../core/event-bus.js';
import type { GatewayTopics } from '../runtime/gateway.js';
import type { DaemonEvent, DaemonEventType } from '../telemetry/event-stream.js';

/** Calls `listener` with every event of `types` until the returned function is called; where one of the subscriptions
 * throws, none is left and the error is thrown. */
export function subscribeDaemonEvents(
  events: Subscribable<GatewayTopics>,
  types: ReadonlySet<DaemonEventType>,
  listener: (event: DaemonEvent) => void,
): () => void {
  const subscriptions: (() => void)[] = [];
  const unsubscribeAll = () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
  try {
    if (types.has('score'))
      subscriptions.push(events.subscribe('scores', (s) => s.forEach((data) => listener({ type: 'score', data }))));
    if (types.has('alarm')) subscriptions.push(events.subscribe('alarm', (data) => listener({ type: 'alarm', data })));
    if (types.has('part'))
      subscriptions.push(events.subscribe('parts', (p) => p.forEach((data) => listener({ type: 'part', data }))));
    if (types.has('model'))
      subscriptions.push(events.subscribe('model', (data) => listener({ type: 'model', data: { ...data } })));
    if (types.has('journal_gap'))
      subscriptions.push(events.subscribe('journalGap', (data) => listener({ type: 'journal_gap', data })));
  } catch (err) {
    // A subscription that failed leaves none of the others behind: the caller, told of it, has nothing to end.
    unsubscribeAll();
    throw err;
  }
  return unsubscribeAll;
}
