/** A model update's outcome as reported: a rollback names the release rolled back and the one running now. */
import { describe, expect, it } from 'vitest';
import { OutcomeReporter, type ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';

function reporter() {
  const log = logLines();
  const reported: ModelUpdateEvent[] = [];
  const outcomes = new OutcomeReporter({
    logger: log.logger,
    metrics: new GatewayMetrics(),
    report: (e) => reported.push(e),
  });
  return { log, reported, outcomes };
}

describe('OutcomeReporter', () => {
  it('a rollback says which release was rolled back and which runs now, beside version and previousVersion', () => {
    const { log, reported, outcomes } = reporter();
    outcomes.report({
      asset: 'pump-1',
      model: 'pump-ae',
      version: '1.1.0',
      previousVersion: '1.2.0',
      outcome: 'rolled_back',
      reason: 'requested by j.doe',
      ts: 5,
    });
    const named = { version: '1.1.0', previousVersion: '1.2.0', rolledBackVersion: '1.2.0', runningVersion: '1.1.0' };
    // The event that leaves the box (cloud, event stream), /api/status's last outcome and the log line's fields agree.
    expect(reported).toEqual([expect.objectContaining(named)]);
    expect(outcomes.last('pump-1')).toMatchObject(named);
    expect(log.lines.at(-1)).toMatchObject({
      ...named,
      msg: 'asset pump-1: model pump-ae rolled back to 1.1.0 from 1.2.0: requested by j.doe',
    });
  });

  it('no other outcome carries them', () => {
    const { reported, outcomes } = reporter();
    for (const outcome of ['applied', 'rejected', 'confirmed'] as const)
      outcomes.report({
        asset: 'pump-1',
        model: 'pump-ae',
        version: '1.2.0',
        previousVersion: '1.1.0',
        outcome,
        ts: 1,
      });
    expect(
      reported.map((e) => Object.keys(e).filter((k) => k === 'rolledBackVersion' || k === 'runningVersion')),
    ).toEqual([[], [], []]);
  });
});
