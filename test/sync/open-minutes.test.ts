/**
 * The minutes cloud sync keeps against a crash (open-minutes.ts), on a real file system: kept and found again, removed
 * once queued, and a file that cannot be used set aside (nothing in it deleted) with a problem naming it and why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { MAX_OPEN_MINUTES_BYTES, OpenMinutesFile, openMinutesFile } from '../../src/sync/open-minutes.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { logLines } from '../helpers/log-lines.js';
import type { OpenMinute } from '../../src/sync/summaries.js';

const NOW = Date.parse('2026-12-06T17:00:00Z');
const ASIDE = '2026-12-06T17-00-00-000Z';
const RUN = '2026-12-06T16:59:30.000Z';
const minute: OpenMinute = {
  asset: 'pump-1',
  minute: Date.parse('2026-12-06T16:59:00Z'),
  counts: {
    scores: [1, 3],
    threshold: 2,
    raised: 1,
    transitions: { unack_active: 1 },
    parts: { pass: 1, fail: 0, unknown: 2 },
    held: { windows: 1, parts: 0 },
  },
};

function file(): OpenMinutesFile {
  return new OpenMinutesFile(openMinutesFile(join(mkdtempSync(join(tmpdir(), 'lw-minutes-')), 'cloud.queue.db')), true);
}

describe('open minutes kept beside the cloud queue', () => {
  it('keeps the minutes of a run, finds them again, and removes the file once none is left', () => {
    const f = file();
    expect(f.kept(NOW)).toEqual({});
    f.keep(RUN, [minute]);
    expect(f.kept(NOW)).toEqual({ minutes: { schema: 'linewatch.open-minutes/1', run: RUN, minutes: [minute] } });
    f.keep(RUN, []);
    expect(existsSync(f.path)).toBe(false);
  });

  it('finds a minute kept before held counts (no held) with none held', () => {
    const f = file();
    const { held: _, ...counts } = minute.counts;
    const kept = { schema: 'linewatch.open-minutes/1', run: RUN, minutes: [{ ...minute, counts }] };
    writeFileSync(f.path, JSON.stringify(kept));
    expect(f.kept(NOW)).toEqual({
      minutes: { ...kept, minutes: [{ ...minute, counts: { ...counts, held: { windows: 0, parts: 0 } } }] },
    });
  });

  it('sets aside a file that is not JSON, naming it', () => {
    const f = file();
    writeFileSync(f.path, '{"schema": "linewatch.open-min');
    expect(f.kept(NOW)).toEqual({
      problem: `${f.path}: not JSON: set aside as ${f.path}.bad-${ASIDE}; the minutes it held are not summarised`,
    });
    expect([existsSync(f.path), readFileSync(`${f.path}.bad-${ASIDE}`, 'utf8')]).toEqual([
      false,
      '{"schema": "linewatch.open-min',
    ]);
  });

  it('sets aside a file whose minute names no asset a topic can carry, saying where', () => {
    const f = file();
    f.keep(RUN, [{ ...minute, asset: 'pump/#' }]);
    expect(f.kept(NOW).problem).toBe(
      `${f.path}: minutes[0].asset: expected a name of letters, digits, "_", "." or "-": set aside as ${f.path}.bad-${ASIDE}; the minutes it held are not summarised`,
    );
  });

  it('does not read a file over its bound', () => {
    const f = file();
    writeFileSync(f.path, '');
    truncateSync(f.path, MAX_OPEN_MINUTES_BYTES + 1);
    expect(f.kept(NOW).problem).toBe(
      `${f.path}: ${MAX_OPEN_MINUTES_BYTES + 1} bytes, over ${MAX_OPEN_MINUTES_BYTES}: set aside as ${f.path}.bad-${ASIDE}; the minutes it held are not summarised`,
    );
  });

  // Its temporary file was opened with 'w', which follows a link: one left at `<file>.tmp` had the minutes written into
  // the file it names (a configuration, another program's data), truncated first.
  it('writes no file that a link at its temporary file names', () => {
    const f = file();
    const victim = join(mkdtempSync(join(tmpdir(), 'lw-victim-')), 'gateway.yaml');
    writeFileSync(victim, 'site: plant-1\n');
    symlinkSync(victim, `${f.path}.tmp`);
    f.keep(RUN, [minute]);
    expect(readFileSync(victim, 'utf8')).toBe('site: plant-1\n');
    expect(lstatSync(f.path).isFile()).toBe(true);
    expect(f.kept(NOW).minutes?.minutes).toEqual([minute]);
  });

  // It was opened to read as any file: a FIFO there (or a link to one, or to a terminal) blocked the open, and with it
  // the gateway's start, until something wrote to it.
  it('sets aside what is not a regular file (a FIFO) without waiting on it', () => {
    const f = file();
    execFileSync('mkfifo', [f.path]);
    expect(f.kept(NOW).problem).toBe(
      `${f.path}: not a regular file: set aside as ${f.path}.bad-${ASIDE}; the minutes it held are not summarised`,
    );
    expect(lstatSync(`${f.path}.bad-${ASIDE}`).isFIFO()).toBe(true);
  });

  // A minute past the last time a Date holds (8.64e15 ms) passed the schema; its summary's id (toISOString) then threw
  // RangeError from the cloud sink's constructor: the gateway did not start, at every start, the file left in place.
  it('sets aside a minute past the last time a date holds, and the cloud sink starts', async () => {
    const f = file();
    const past = 8_640_000_000_000_000 + 60_000;
    writeFileSync(
      f.path,
      JSON.stringify({ schema: 'linewatch.open-minutes/1', run: RUN, minutes: [{ ...minute, minute: past }] }),
    );
    const log = logLines();
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: 'mqtt://127.0.0.1:1' }),
      { gateway: 'gw-minutes', site: 's', line: 'l', version: '0', models: () => [] },
      {
        logger: log.logger,
        metrics: new GatewayMetrics(),
        queue: new MemoryQueue(1 << 20),
        openMinutes: f,
        now: () => NOW,
      },
    );
    await sync.close();
    expect(log.at(50)).toEqual([
      `cloud sync: ${f.path}: minutes[0].minute: past the last time a date holds (8.64e15 ms): set aside as ${f.path}.bad-${ASIDE}; the minutes it held are not summarised`,
    ]);
  });
});
