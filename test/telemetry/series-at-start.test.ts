/** createSeriesAtZero: a series made at 0, and one that exists already keeps its count (a gateway started again). */
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { createSeriesAtZero } from '../../src/telemetry/series-at-start.js';

const known = {
  sources: [{ name: 'plc', errorKinds: ['connect'] }],
  sinks: [{ name: 'influxdb', writeErrorKinds: ['network'], droppedReasons: ['rejected'], evictedClasses: ['raw'] }],
  alarms: [{ asset: 'pump', alarm: 'anomaly' }],
  actions: ['horn'],
};

describe('createSeriesAtZero', () => {
  it('keeps the counts of series that exist already', async () => {
    const metrics = new GatewayMetrics();
    metrics.sourceErrors.inc({ source: 'plc', kind: 'connect' }, 3);
    metrics.sinkDroppedPoints.inc({ sink: 'influxdb', reason: 'rejected' }, 5);
    metrics.alarmsRaised.inc({ asset: 'pump', alarm: 'anomaly' });
    createSeriesAtZero(metrics, known);
    expect((await metrics.sourceErrors.get()).values.map((v) => v.value)).toEqual([3]);
    expect((await metrics.sinkDroppedPoints.get()).values.map((v) => v.value)).toEqual([5]);
    expect((await metrics.alarmsRaised.get()).values.map((v) => v.value)).toEqual([1]);
    expect((await metrics.sourceReconnects.get()).values).toEqual([{ labels: { source: 'plc' }, value: 0 }]);
    expect((await metrics.actions.get()).values.map((v) => v.labels.outcome)).toEqual(['ok', 'retry', 'failed']);
    expect((await metrics.queueEvicted.get()).values).toEqual([
      { labels: { sink: 'influxdb', class: 'raw' }, value: 0 },
    ]);
  });
});
