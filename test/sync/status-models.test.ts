/** What the cloud's retained status says of an asset's model: as /api/status does, in a bounded size. */
import { describe, expect, it } from 'vitest';
import { ProbationModel } from '../../src/sync/probation.js';
import { MAX_STATUS_TEXT, statusModel } from '../../src/sync/status-models.js';
import { pumpModel } from '../helpers/pump-model.js';

const limits = { maxErrorRate: 0.25, maxAnomalousFraction: 0.5, minWindows: 4 };
const since = Date.parse('2026-12-06T12:00:00Z');

describe('statusModel', () => {
  it('names the model an asset runs as driving its alarms where no release is on probation', () => {
    expect(statusModel('pump-1', pumpModel('1.0.0'), { asset: 'pump-1', version: '1.0.0' })).toEqual({
      asset: 'pump-1',
      model: 'pump-ae',
      version: '1.0.0',
      drivingVersion: '1.0.0',
    });
  });

  it('shadowed: names the release as run, the model before as driving, and the probation until when', () => {
    const release = new ProbationModel(pumpModel('1.1.0'), limits, pumpModel('1.0.0'));
    const update = {
      asset: 'pump-1',
      version: '1.0.0',
      previousVersion: '1.0.0',
      probation: {
        version: '1.1.0',
        mode: 'shadow' as const,
        since,
        until: since + 600_000,
        windowsJudged: 7,
        windowsFlagged: 1,
        minWindows: 30,
      },
    };
    expect(statusModel('pump-1', release, update)).toEqual({
      asset: 'pump-1',
      model: 'pump-ae',
      version: '1.1.0',
      drivingVersion: '1.0.0',
      // No counts: they change every window, the status only when the asset's model or probation does.
      probation: {
        version: '1.1.0',
        mode: 'shadow',
        since: '2026-12-06T12:00:00.000Z',
        until: '2026-12-06T12:10:00.000Z',
        previousVersion: '1.0.0',
        minWindows: 30,
      },
    });
  });

  it('past until with fewer than min_windows judged: says the probation waits for windows (not their count)', () => {
    const release = new ProbationModel(pumpModel('1.1.0'), limits, pumpModel('1.0.0'));
    const probation = {
      version: '1.1.0',
      mode: 'shadow' as const,
      since,
      until: since + 60_000,
      windowsJudged: 3,
      windowsFlagged: 0,
      minWindows: 10,
      waitingForWindows: 'waiting for windows: 3 of 10',
    };
    const entry = statusModel('pump-1', release, {
      asset: 'pump-1',
      version: '1.0.0',
      previousVersion: '1.0.0',
      probation,
    });
    expect(entry.probation).toEqual({
      version: '1.1.0',
      mode: 'shadow',
      since: '2026-12-06T12:00:00.000Z',
      until: '2026-12-06T12:01:00.000Z',
      previousVersion: '1.0.0',
      minWindows: 10,
      waitingForWindows: true,
    });
  });

  it('after a stop that ended a probation: names the model the next start runs, and the release interrupted', () => {
    const stoppedProbation = { version: '1.2.0', mode: 'live' as const, next: { name: 'pump-ae', version: '1.0.0' } };
    // Live, the release still scored what the gateway flushed while it stopped: the pipeline's model is the release.
    expect(statusModel('pump-1', pumpModel('1.2.0'), { asset: 'pump-1', version: '1.0.0', stoppedProbation })).toEqual({
      asset: 'pump-1',
      model: 'pump-ae',
      version: '1.0.0',
      drivingVersion: '1.0.0',
      interruptedProbation: { version: '1.2.0', mode: 'live' },
    });
  });

  it('cuts a name or version over MAX_STATUS_TEXT characters, marking the cut', () => {
    const long = `1.1.0+${'x'.repeat(5000)}`;
    const entry = statusModel('pump-1', pumpModel(long), { asset: 'pump-1', version: long });
    expect(entry.version).toHaveLength(MAX_STATUS_TEXT);
    expect(entry.version).toBe(`${long.slice(0, MAX_STATUS_TEXT - 1)}…`);
    expect(JSON.stringify(entry).length).toBeLessThan(3 * MAX_STATUS_TEXT + 100);
  });
});
