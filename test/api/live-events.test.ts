/**
 * The API's event streams on the gateway's bus (src/api/live-events.ts): one event per published
 * item, and only for the types a client asked for.
 */
import { describe, expect, it } from 'vitest';
import { subscribeDaemonEvents } from '../../src/api/live-events.js';
import { EventBus } from '../../src/core/event-bus.js';
import type { PartResult, ScoreResult } from '../../src/core/types.js';
import type { GatewayTopics } from '../../src/runtime/gateway.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import type { DaemonEvent } from '../../src/telemetry/event-stream.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';

const TOPICS = ['samples', 'scores', 'parts', 'alarm', 'model', 'health', 'journalGap'] as const;
const scores = [
  { asset: 'pump-1', score: 0.2 },
  { asset: 'pump-1', score: 0.3 },
] as unknown as ScoreResult[];
const parts = [{ asset: 'press-1', partId: '7', verdict: 'pass' }] as unknown as PartResult[];
const update = { asset: 'pump-1', model: 'pump-ae', version: '1.1.0', outcome: 'applied' } as ModelUpdateEvent;
const gap = { asset: 'pump-1', alarm: 'anomaly', dropped: 3, from: 10, to: 12, ts: 20, message: '3 transition(s)' };

describe('subscribeDaemonEvents', () => {
  it("turns every score, alarm, part, model update and journal's gap into one event each, in publish order", () => {
    const bus = new EventBus<GatewayTopics>(() => undefined);
    const got: DaemonEvent[] = [];
    subscribeDaemonEvents(bus, new Set(['score', 'alarm', 'part', 'model', 'journal_gap']), (e) => got.push(e));
    const alarm = anomalyEvent('unack_active');
    bus.publish('scores', scores);
    bus.publish('alarm', alarm);
    bus.publish('parts', parts);
    bus.publish('model', update);
    bus.publish('journalGap', gap);
    expect(got).toEqual([
      { type: 'score', data: scores[0] },
      { type: 'score', data: scores[1] },
      { type: 'alarm', data: alarm },
      { type: 'part', data: parts[0] },
      { type: 'model', data: update },
      { type: 'journal_gap', data: gap },
    ]);
    expect(got[4].data).not.toBe(update);
  });

  it('subscribes only to the topics of the types asked for, and unsubscribes them all', () => {
    const bus = new EventBus<GatewayTopics>(() => undefined);
    const got: string[] = [];
    const unsubscribe = subscribeDaemonEvents(bus, new Set(['alarm', 'part']), (e) => got.push(e.type));
    expect(TOPICS.map((t) => bus.subscriberCount(t))).toEqual([0, 0, 1, 1, 0, 0, 0]);
    bus.publish('scores', scores);
    bus.publish('parts', parts);
    bus.publish('journalGap', gap); // a client that asked for alarms gets their transitions only, as before
    unsubscribe();
    bus.publish('alarm', anomalyEvent('unack_active'));
    expect(got).toEqual(['part']);
    expect(TOPICS.map((t) => bus.subscriberCount(t))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it("a client that asks for journal_gap alone hears of the journal's gaps and nothing else", () => {
    const bus = new EventBus<GatewayTopics>(() => undefined);
    const got: DaemonEvent[] = [];
    subscribeDaemonEvents(bus, new Set(['journal_gap']), (e) => got.push(e));
    expect(TOPICS.map((t) => bus.subscriberCount(t))).toEqual([0, 0, 0, 0, 0, 0, 1]);
    bus.publish('alarm', anomalyEvent('unack_active'));
    bus.publish('journalGap', gap);
    expect(got).toEqual([{ type: 'journal_gap', data: gap }]);
  });

  it('leaves no subscription behind where a later one throws, and throws its error', () => {
    const bus = new EventBus<GatewayTopics>(() => undefined);
    const failing = {
      subscribe: ((topic, handler) => {
        if (topic === 'parts') throw new Error('bus closed');
        return bus.subscribe(topic, handler);
      }) as typeof bus.subscribe,
    };
    expect(() => subscribeDaemonEvents(failing, new Set(['score', 'alarm', 'part']), () => undefined)).toThrow(
      'bus closed',
    );
    expect(TOPICS.map((t) => bus.subscriberCount(t))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
