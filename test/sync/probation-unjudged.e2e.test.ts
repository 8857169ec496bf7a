/**
 * Regression (pilot walk): a release was confirmed with no window judged. probation_s 60, min_windows 10, shadowed;
 * the line stopped, so no window was judged (/api/status: windowsJudged 0), and at the deadline the release was
 * confirmed anyway (verdict() judges the anomalous share only from min_windows on, and nothing else was checked). Now
 * its probation goes on until min_windows windows are judged, said once in the log and the statuses, and the outcome
 * says how many windows it was judged on. Real signed releases, a real model and store; the clock is the test's.
 */
import { describe, expect, it } from 'vitest';
import { logLines } from '../helpers/log-lines.js';
import { outcomeOf, startUpdater } from '../helpers/updater-fixture.js';

const WAITING = /^asset pump-1: model pump-ae 1\.3\.0: probation_s is over with 3 of min_windows 10 windows judged/;

async function unjudgedAtDeadline() {
  const log = logLines();
  let statusChanges = 0;
  const f = await startUpdater({
    config: () => ({ probation_s: 60, min_windows: 10 }),
    logger: log.logger,
    host: (host) => ({ ...host, statusChanged: () => statusChanges++ }),
  });
  await f.release('v13', '1.3.0', 2);
  f.notice('1.3.0', 'v13');
  await f.updater.idle();
  await f.judge(3); // then the line stops: no window comes
  f.clock.now += 60_001;
  await f.updater.checkProbations();
  return { f, log, statusChanges: () => statusChanges };
}

describe('a probation over with fewer than min_windows windows judged', () => {
  it('is not confirmed: it goes on, said once, until min_windows are judged; the confirmation says how many', async () => {
    const { f, log, statusChanges } = await unjudgedAtDeadline();
    try {
      expect(f.events.map(outcomeOf)).toEqual(['1.3.0:applied']); // before: 1.3.0:confirmed
      expect(f.updater.status(['pump-1'])[0].probation).toMatchObject({
        version: '1.3.0',
        windowsJudged: 3,
        minWindows: 10,
        waitingForWindows: 'waiting for windows: 3 of 10',
      });
      f.clock.now += 3_600_000;
      await f.updater.checkProbations();
      expect(log.lines.filter((l) => WAITING.test(l.msg)).map((l) => l.level)).toEqual([40]); // once, a warning
      expect(statusChanges()).toBe(1);
      await f.judge(6);
      await f.updater.checkProbations();
      expect(f.events.map(outcomeOf)).toEqual(['1.3.0:applied']); // 9 of 10
      expect(f.updater.status(['pump-1'])[0].probation?.waitingForWindows).toBe('waiting for windows: 9 of 10');
      await f.judge(1);
      await f.updater.checkProbations();
      expect(f.events.at(-1)).toMatchObject({ outcome: 'confirmed', windowsJudged: 10, windowsFlagged: 0 });
      expect(log.at(30).at(-1)).toBe('asset pump-1: model pump-ae 1.3.0 confirmed (judged on 10 windows, 0 anomalous)');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('may still be rolled back meanwhile, the rollback saying how many windows it was judged on', async () => {
    const { f } = await unjudgedAtDeadline();
    try {
      const event = await f.updater.rollback('pump-1', 'requested by j.doe', 'j.doe');
      expect(event).toMatchObject({ outcome: 'rolled_back', previousVersion: '1.3.0', windowsJudged: 3 });
      expect(f.current().version).toBe('1.0.0+seed7');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('with min_windows judged by the deadline, is confirmed at the deadline as before', async () => {
    const f = await startUpdater({ config: () => ({ probation_s: 60, min_windows: 10 }) });
    try {
      await f.release('v13', '1.3.0', 2);
      f.notice('1.3.0', 'v13');
      await f.updater.idle();
      await f.judge(10);
      await f.updater.checkProbations();
      expect(f.events.map(outcomeOf)).toEqual(['1.3.0:applied']); // not before the deadline
      f.clock.now += 60_000;
      await f.updater.checkProbations();
      expect(f.events.map(outcomeOf)).toEqual(['1.3.0:applied', '1.3.0:confirmed']);
    } finally {
      await f.close();
    }
  }, 60_000);
});
