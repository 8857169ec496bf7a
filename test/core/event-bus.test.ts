/** The typed synchronous bus the gateway wires its components over (src/core/event-bus.ts). */
import { describe, expect, it } from 'vitest';
import { EventBus, type Subscribable } from '../../src/core/event-bus.js';

interface Topics {
  reading: readonly number[];
  note: string;
}

/** A bus whose subscriber errors are recorded, and the calls its subscribers made, in order. */
function recordingBus() {
  const errors: { topic: string; message: string }[] = [];
  const bus = new EventBus<Topics>((topic, error) => errors.push({ topic, message: (error as Error).message }));
  return { bus, errors, calls: [] as string[] };
}

describe('EventBus', () => {
  it('calls the subscribers of a topic in the order they subscribed, with the payload, before publish returns', () => {
    const { bus, calls } = recordingBus();
    bus.subscribe('reading', (r) => calls.push(`first ${r.join(',')}`));
    bus.subscribe('note', (n) => calls.push(`note ${n}`));
    bus.subscribe('reading', (r) => calls.push(`second ${r.join(',')}`));
    bus.subscribe('reading', (r) => calls.push(`third ${r.length}`));
    bus.publish('reading', [1, 2]);
    calls.push('returned');
    bus.publish('note', 'hello');
    expect(calls).toEqual(['first 1,2', 'second 1,2', 'third 2', 'returned', 'note hello']);
  });

  it('publishes to no one without subscribers', () => {
    const { bus, errors } = recordingBus();
    bus.publish('note', 'nobody listens');
    expect(bus.subscriberCount('note')).toBe(0);
    expect(errors).toEqual([]);
  });

  it('stops calling a subscriber once it unsubscribes, the others keep their order', () => {
    const { bus, calls } = recordingBus();
    bus.subscribe('note', (n) => calls.push(`a ${n}`));
    const unsubscribeB = bus.subscribe('note', (n) => calls.push(`b ${n}`));
    bus.subscribe('note', (n) => calls.push(`c ${n}`));
    bus.publish('note', '1');
    unsubscribeB();
    unsubscribeB(); // a second call changes nothing
    bus.publish('note', '2');
    expect(calls).toEqual(['a 1', 'b 1', 'c 1', 'a 2', 'c 2']);
    expect(bus.subscriberCount('note')).toBe(2);
  });

  it('removes only its own subscription when one handler subscribed twice', () => {
    const { bus, calls } = recordingBus();
    const handler = (n: string) => calls.push(n);
    const first = bus.subscribe('note', handler);
    bus.subscribe('note', handler);
    first();
    bus.publish('note', 'once');
    expect(calls).toEqual(['once']);
  });

  it('applies a subscribe or unsubscribe made during a publish from the next publish on', () => {
    const { bus, calls } = recordingBus();
    let unsubscribeLast = () => {};
    bus.subscribe('note', (n) => {
      calls.push(`first ${n}`);
      unsubscribeLast();
      if (n === '1') bus.subscribe('note', (m) => calls.push(`added ${m}`));
    });
    unsubscribeLast = bus.subscribe('note', (n) => calls.push(`last ${n}`));
    bus.publish('note', '1');
    bus.publish('note', '2');
    expect(calls).toEqual(['first 1', 'last 1', 'first 2', 'added 2']);
  });

  it('goes on past a subscriber that throws, and hands the error to onError with the topic', () => {
    const { bus, errors, calls } = recordingBus();
    bus.subscribe('reading', () => calls.push('before'));
    bus.subscribe('reading', (r) => {
      throw new Error(`cannot take ${r.length} values`);
    });
    bus.subscribe('reading', () => calls.push('after'));
    bus.publish('reading', [1, 2, 3]);
    calls.push('publisher went on');
    expect(calls).toEqual(['before', 'after', 'publisher went on']);
    expect(errors).toEqual([{ topic: 'reading', message: 'cannot take 3 values' }]);
  });

  it('reports what a subscriber throws even when it is not an Error', () => {
    const seen: unknown[] = [];
    const bus = new EventBus<Topics>((topic, error) => seen.push(topic, error));
    bus.subscribe('note', () => {
      throw 'a string';
    });
    bus.publish('note', 'x');
    expect(seen).toEqual(['note', 'a string']);
  });

  it('takes only the topics of its type map, each with its payload type', () => {
    const { bus, calls } = recordingBus();
    const readOnly: Subscribable<Topics> = bus;
    readOnly.subscribe('reading', (r) => calls.push(`sum ${r.reduce((a, b) => a + b, 0)}`));
    bus.publish('reading', [1, 2]);
    // What the compiler refuses (npm test does not type-check test/; tsc over this file does).
    // @ts-expect-error: a note is a string, not numbers
    bus.publish('note', [1]);
    // @ts-expect-error: no such topic
    bus.publish('noise', 'x');
    // @ts-expect-error: the read side has no publish
    readOnly.publish('note', 'x');
    // @ts-expect-error: a reading's handler takes numbers, not a string
    readOnly.subscribe('reading', (r: string) => calls.push(r))();
    expect(calls).toEqual(['sum 3']);
  });
});
