/**
 * When cloud sync writes the minutes it is summarising (open-minutes-keeper.ts), on a real file system with the test's
 * clock and timer. Regressions: they were written every 5 s while scores came (each second on a running line), the
 * whole file each time: 779 rewrites an hour with scores only, on a gateway's SD card; and at each part result and
 * alarm transition, each (a part every 100 ms: 10 rewrites a second). Now alarm transitions and parts are written at
 * most once a second, the last one always; scores at most every 30 s, a minute over when it is queued; nothing where
 * nothing changed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SinkRecords } from '../../src/core/components.js';
import type { PartResult } from '../../src/core/types.js';
import type { Timer } from '../../src/core/timer.js';
import { CHANGES_KEPT_EVERY_MS, OpenMinutesKeeper, SCORES_KEPT_EVERY_MS } from '../../src/sync/open-minutes-keeper.js';
import type { OpenMinute } from '../../src/sync/summaries.js';
import { OpenMinutesFile, openMinutesFile } from '../../src/sync/open-minutes.js';
import type { MinuteSummary } from '../../src/sync/summaries.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { logLines } from '../helpers/log-lines.js';

const MINUTE = Date.parse('2026-12-06T17:00:00Z');
const RUN = new Date(MINUTE).toISOString();

/** The real file, counting its writes (each a rewrite of the whole file). */
class CountedFile extends OpenMinutesFile {
  writes = 0;
  override keep(run: string, minutes: readonly OpenMinute[]): void {
    this.writes++;
    super.keep(run, minutes);
  }
}

/** A timer on the test's clock: `to` runs what is due by the time it moves the clock to. */
function testTimer(clock: { now: number }) {
  const set: { fn: () => void; at: number }[] = [];
  const timer: Timer = {
    set: (fn, ms) => {
      const handle = { fn, at: clock.now + ms };
      set.push(handle);
      return handle;
    },
    clear: (handle) => {
      const i = set.indexOf(handle as (typeof set)[number]);
      if (i >= 0) set.splice(i, 1);
    },
  };
  /** Moves the clock to `ms` (since the epoch), running each timer at its time on the way. */
  const to = (ms: number) => {
    for (let due = set.find((t) => t.at <= ms); due; due = set.find((t) => t.at <= ms)) {
      set.splice(set.indexOf(due), 1);
      clock.now = due.at;
      due.fn();
    }
    clock.now = ms;
  };
  return { timer, to, set };
}

function keeper() {
  const file = new CountedFile(openMinutesFile(join(mkdtempSync(join(tmpdir(), 'lw-keeper-')), 'q.db')), false);
  const queued: MinuteSummary[] = [];
  const log = logLines();
  const clock = { now: MINUTE };
  const timers = testTimer(clock);
  const minutes = new OpenMinutesKeeper('gw-keep', MINUTE, {
    logger: log.logger,
    sink: 'cloud-mqtt',
    now: () => clock.now,
    queue: (s) => queued.push(...s),
    file,
    timer: timers.timer,
  });
  /** pump-1's scores in each minute the file holds now, by its hh:mm (undefined: no file). */
  const written = (): Record<string, number[]> | undefined => {
    if (!existsSync(file.path)) return undefined;
    const { minutes } = JSON.parse(readFileSync(file.path, 'utf8')) as {
      minutes: { asset: string; minute: number; counts: { scores: number[] } }[];
    };
    return Object.fromEntries(
      minutes
        .filter((m) => m.asset === 'pump-1')
        .map((m) => [new Date(m.minute).toISOString().slice(11, 16), m.counts.scores]),
    );
  };
  /** press-1's failed parts in the minute the file holds now (undefined: none there, or no file). */
  const failedParts = (): number | undefined => {
    if (!existsSync(file.path)) return undefined;
    const { minutes } = JSON.parse(readFileSync(file.path, 'utf8')) as {
      minutes: { asset: string; counts: { parts: { fail: number } } }[];
    };
    return minutes.find((m) => m.asset === 'press-1')?.counts.parts.fail;
  };
  /** The clock at `s` s past MINUTE, then a score of that second, then the 5 s tick where `s` is a multiple of 5. */
  const second = (s: number, extra: Partial<SinkRecords> = {}) => {
    timers.to(MINUTE + s * 1000);
    minutes.add({ samples: [], alarms: [], scores: [score(clock.now, s)], ...extra });
    if (s % 5 === 0) minutes.tick();
  };
  return { file, queued, log, clock, timers, minutes, written, failedParts, second };
}

const score = (ts: number, value: number) => ({
  asset: 'pump-1',
  model: 'm',
  modelVersion: '1',
  ts,
  score: value,
  threshold: 100,
  anomalous: false,
  contributions: [],
});

const part = (ts: number): PartResult => ({
  asset: 'press-1',
  partId: 'PRS-1',
  ts,
  verdict: 'fail',
  topChannels: [],
  model: 'm',
});

describe('the minutes being summarised, kept against a crash', () => {
  it('while only scores come: written once they are 30 s old, not at each 5 s tick', () => {
    const k = keeper();
    for (let s = 1; s < SCORES_KEPT_EVERY_MS / 1000; s++) k.second(s);
    expect(k.written()).toBeUndefined(); // before: written at 5, 10, ... 25 s
    k.second(30);
    expect(k.written()).toEqual({ '17:00': Array.from({ length: 30 }, (_, i) => i + 1) });
    for (let s = 31; s < 60; s++) k.second(s);
    expect(k.written()?.['17:00']).toHaveLength(30);
  });

  it('an alarm transition or a part result a second after the last write is written at once, with the scores so far', () => {
    const k = keeper();
    k.second(1);
    k.second(2, { alarms: [anomalyEvent('unack_active', { ts: MINUTE + 2000 })] });
    expect(k.written()).toEqual({ '17:00': [1, 2] });
    k.second(3, { parts: [part(MINUTE + 3000)] });
    const kept = JSON.parse(readFileSync(k.file.path, 'utf8')) as { run: string; minutes: { asset: string }[] };
    expect([kept.run, kept.minutes.map((m) => m.asset)]).toEqual([RUN, ['pump-1', 'press-1']]);
    expect(k.written()?.['17:00']).toEqual([1, 2, 3]);
  });

  it('parts every 100 ms: written once a second, not at each; the last held back is written a second after', () => {
    const k = keeper();
    /** Part `i` at i × 100 ms past MINUTE. */
    const partAt = (i: number) => {
      k.timers.to(MINUTE + i * 100);
      k.minutes.add({ samples: [], scores: [], alarms: [], parts: [part(MINUTE + i * 100)] });
    };
    partAt(1);
    expect([k.file.writes, k.failedParts()]).toEqual([1, 1]); // the first at once
    for (let i = 2; i <= 100; i++) partAt(i);
    // At 10 s: written at 0.1 s, then by the timer at 1.1, 2.1, ... 9.1 s (parts 1-90); it was 100 writes, one a part.
    expect([k.file.writes, k.failedParts()]).toEqual([10, 90]);
    expect(k.timers.set.map((t) => t.at - MINUTE)).toEqual([9100 + CHANGES_KEPT_EVERY_MS]);
    // No more parts: the ones held back are written when the timer is due.
    k.timers.to(MINUTE + 10_100);
    expect([k.file.writes, k.failedParts(), k.timers.set]).toEqual([11, 100, []]);
  });

  it('at a stop, a part held back is queued, the file removed and its timer cleared', () => {
    const k = keeper();
    k.second(1, { parts: [part(MINUTE + 1000)] });
    k.timers.to(MINUTE + 1500);
    k.minutes.add({ samples: [], scores: [], alarms: [], parts: [part(MINUTE + 1500)] });
    expect([k.file.writes, k.failedParts(), k.timers.set.length]).toEqual([1, 1, 1]);
    k.minutes.tick(true);
    expect(k.queued.map((q) => [q.asset, q.parts.fail])).toEqual([
      ['pump-1', 0],
      ['press-1', 2],
    ]);
    expect([existsSync(k.file.path), k.timers.set]).toEqual([false, []]);
  });

  it('a minute over: written as it is, queued, then what is left is written; nothing more while nothing changes', () => {
    const k = keeper();
    for (let s = 1; s <= 64; s++) k.second(s);
    // 65 s: the minute and its 5 s grace are over.
    k.second(65);
    expect(k.queued.map((q) => [q.minute, q.windows])).toEqual([['2026-12-06T17:00:00.000Z', 59]]);
    expect(k.written()).toEqual({ '17:01': [60, 61, 62, 63, 64, 65] });
    // Nothing came since: the ticks write nothing (the file, removed here, is not made again).
    rmSync(k.file.path);
    for (const s of [70, 95, 120]) {
      k.timers.to(MINUTE + s * 1000);
      k.minutes.tick();
    }
    expect(k.written()).toBeUndefined();
  });

  it('at a stop every minute is queued and the file removed', () => {
    const k = keeper();
    k.second(1, { parts: [part(MINUTE + 1000)] });
    k.minutes.tick(true);
    expect(k.queued.map((q) => [q.asset, q.windows, q.parts.fail])).toEqual([
      ['pump-1', 1, 0],
      ['press-1', 0, 1],
    ]);
    expect(existsSync(k.file.path)).toBe(false);
  });

  it('a write that fails is said once while it repeats, and tried again at each tick until one works', () => {
    const k = keeper();
    const folder = join(k.file.path, '..');
    rmSync(folder, { recursive: true });
    k.second(1, { parts: [part(MINUTE + 1000)] });
    k.second(2, { parts: [part(MINUTE + 2000)] });
    k.second(5);
    expect(k.log.at(50)).toEqual([
      `cloud sync: cannot keep the minutes being summarised in ${k.file.path}: ENOENT: no such file or directory, open '${k.file.path}.tmp'; a crash loses them`,
    ]);
    mkdirSync(folder);
    k.second(6);
    expect(k.written()).toBeUndefined(); // not a tick
    k.second(10);
    expect(k.written()).toEqual({ '17:00': [1, 2, 5, 6, 10] });
  });
});
