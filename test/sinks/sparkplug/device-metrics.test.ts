/** The devices' metrics: births for new devices and metrics, data for changes past the deadband. */
import { describe, expect, it } from 'vitest';
import { declaredMetrics, DeviceMetrics, recordMetrics } from '../../../src/sinks/sparkplug/device-metrics.js';
import { goodSample } from '../../../src/testing/samples.js';

const ALL = { values: true, scores: true, alarms: true, parts: true };
const flow = (ts: number, value: number) =>
  recordMetrics({ samples: [goodSample('flow', ts, value)], scores: [], alarms: [] }, ALL);

describe('DeviceMetrics', () => {
  it('sends a Double again only once it moved more than the deadband from the value last sent', () => {
    const m = new DeviceMetrics(0.5);
    m.update(flow(1, 10));
    expect([...m.take().births.keys()]).toEqual(['a']);
    m.update(flow(2, 10.4));
    expect(m.take().data.size).toBe(0);
    m.update(flow(3, 10.6));
    expect(m.take().data.get('a')).toEqual([{ name: 'values/flow', type: 'Double', value: 10.6, timestamp: 3 }]);
  });

  it('counts a value replaced before it was sent as superseded', () => {
    const m = new DeviceMetrics(0);
    expect(m.update(flow(1, 1))).toEqual({ superseded: 0 });
    expect(m.update(flow(2, 2))).toEqual({ superseded: 1 });
    m.take();
    expect(m.update(flow(3, 3))).toEqual({ superseded: 0 });
  });

  it('leaves bad samples and unchosen records out', () => {
    const bad = { ...goodSample('flow', 1, 1), quality: 'bad' as const };
    expect(recordMetrics({ samples: [bad], scores: [], alarms: [] }, ALL).size).toBe(0);
    const noValues = recordMetrics(
      { samples: [goodSample('flow', 1, 1)], scores: [], alarms: [] },
      { ...ALL, values: false },
    );
    expect(noValues.size).toBe(0);
  });

  it('births a declared device once with every metric null; a first value is data, a metric not declared a birth', () => {
    const m = new DeviceMetrics(0);
    m.declare(
      declaredMetrics(
        [{ asset: 'a', channels: [{ name: 'flow', text: false }], scored: true, alarms: ['anomaly'], parts: false }],
        ALL,
      ),
    );
    const first = m.take();
    expect(first.births.get('a')).toEqual([
      { name: 'values/flow', type: 'Double', value: null },
      { name: 'anomaly/score', type: 'Double', value: null },
      { name: 'anomaly/verdict', type: 'String', value: null },
      { name: 'alarm/anomaly/active', type: 'Boolean', value: null },
      { name: 'alarm/anomaly/state', type: 'String', value: null },
    ]);
    expect(m.update(flow(1, 0))).toEqual({ superseded: 0 });
    expect(m.take()).toEqual({
      births: new Map(),
      data: new Map([['a', [{ name: 'values/flow', type: 'Double', value: 0, timestamp: 1 }]]]),
    });
    // A channel the configuration did not name (none does today; a source's later one would): born again.
    m.update(recordMetrics({ samples: [goodSample('temp', 2, 40)], scores: [], alarms: [] }, ALL));
    expect([...m.take().births.keys()]).toEqual(['a']);
  });

  it('declares only what publish chooses, and parts only for a cycle asset', () => {
    // A text channel (a Modbus string tag) is no Double metric: not declared.
    const channels = [
      { name: 'force', unit: 'kN', text: false },
      { name: 'serial', text: true },
    ];
    const outline = [{ asset: 'p', channels, scored: true, alarms: ['anomaly'], parts: true }];
    const names = (publish: typeof ALL) =>
      declaredMetrics(outline, publish)
        .get('p')
        ?.map((v) => v.name);
    expect(names(ALL)).toEqual([
      'values/force',
      'anomaly/score',
      'anomaly/verdict',
      'alarm/anomaly/active',
      'alarm/anomaly/state',
      'part/verdict',
      'part/id',
    ]);
    expect(names({ values: false, scores: false, alarms: true, parts: false })).toEqual([
      'alarm/anomaly/active',
      'alarm/anomaly/state',
    ]);
    expect(declaredMetrics([{ ...outline[0]!, scored: false, alarms: [], parts: false }], ALL).get('p')).toEqual([
      { name: 'values/force', type: 'Double', value: null },
    ]);
  });
});
