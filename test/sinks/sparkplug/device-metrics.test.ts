/** The devices' metrics: births for new devices and metrics, data for changes past the deadband. */
import { describe, expect, it } from 'vitest';
import { DeviceMetrics, recordMetrics } from '../../../src/sinks/sparkplug/device-metrics.js';
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
});
