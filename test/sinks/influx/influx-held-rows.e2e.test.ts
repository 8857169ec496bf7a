/**
 * A part's window scored on readings held over failed reads says so in InfluxDB, as a score's does (before: the part
 * point had no held_rows, so a verdict reviewed later read as if every channel had been read). Against a real influxd:
 * the part and the score points carry held_rows and h_<channel> where some row held one, none where none did.
 */
import { describe, expect, it } from 'vitest';
import type { HeldRows, PartResult, ScoreResult } from '../../../src/core/types.js';
import { startInfluxd } from '../../../src/testing/influxd.js';
import { suiteServer } from '../../helpers/suite-server.js';
import { influxSinkUnderTest } from './influx-sink-fixture.js';

const influx = suiteServer(startInfluxd);

const HELD: HeldRows = { rows: 3, of: 40, channels: { force: 3, stroke: 1 } };

describe('InfluxDB: held rows of part verdicts', () => {
  it('a part whose window held readings has held_rows and h_<channel>; one that held none has neither', async () => {
    const t0 = Date.now() - 60_000;
    const part = (partId: string, k: number, held?: HeldRows): PartResult => ({
      asset: 'press-1',
      partId,
      ts: t0 + k * 1000,
      verdict: 'pass',
      score: 0.2,
      threshold: 0.5,
      topChannels: ['force'],
      model: 'press-ae',
      ...(held !== undefined ? { held } : {}),
    });
    const score: ScoreResult = {
      asset: 'press-1',
      model: 'press-ae',
      modelVersion: '3',
      ts: t0,
      score: 0.2,
      threshold: 0.5,
      anomalous: false,
      contributions: [{ channel: 'force', share: 1 }],
      partId: 'P1',
      held: HELD,
    };
    const { s } = influxSinkUnderTest({ url: influx().url, database: 'lw_held_parts' });
    await s.start();
    s.write({ samples: [], scores: [score], alarms: [], parts: [part('P1', 0, HELD), part('P2', 1)] });
    await s.close();
    const [parts] = await influx().query(
      'lw_held_parts',
      'SELECT part_id, held_rows, h_force, h_stroke FROM linewatch_part',
    );
    expect(parts.values.map(([time, ...rest]) => [Number(time) - t0, ...rest])).toEqual([
      [0, 'P1', 3, 3, 1],
      [1000, 'P2', null, null, null],
    ]);
    const [scores] = await influx().query('lw_held_parts', 'SELECT part_id, held_rows, h_force FROM linewatch_score');
    expect(scores.values.map(([, ...rest]) => rest)).toEqual([['P1', 3, 3]]);
  });
});
