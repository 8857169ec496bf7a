/**
 * docs/architecture.md's rollup of the Telegraf consumer's run-tagged summaries (one series per asset and restart)
 * into one series per gateway and asset: its statements, read from the docs, run on a real influxd (InfluxDB 1.x; its
 * continuous queries are off in the test server, so the query's SELECT … INTO is run as the continuous query would).
 * Points are written as the consumer writes them (deploy/fleet/telegraf-mqtt-consumer.conf's fields and tags).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startInfluxd } from '../../src/testing/influxd.js';
import { ROOT } from '../helpers/cli.js';
import { suiteServer } from '../helpers/suite-server.js';

const influx = suiteServer(startInfluxd);

const docs = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const block = /\*\*The `run` tag's series\.\*\*[\s\S]*?```sql\n([\s\S]*?)```/.exec(docs)![1];
const [createPolicy, continuousQuery] = block.split(/\n(?=CREATE CONTINUOUS QUERY)/);
const selectInto = /BEGIN\n([\s\S]*)\nEND/.exec(continuousQuery)![1];

async function post(q: string, db = 'linewatch_fleet'): Promise<void> {
  const res = await fetch(`${influx().url}/query?${new URLSearchParams({ db, q })}`, { method: 'POST' });
  const body = (await res.json()) as { results: { error?: string }[] };
  expect([res.status, body.results.map((r) => r.error ?? 'ok')]).toEqual([200, ['ok']]);
}

const minute = Date.parse('2026-12-06T15:29:00Z');
const point = (run: string, at: number, fields: string) =>
  `linewatch_summary,asset=pump-1,gateway=gw-1,run=${run} ${fields} ${at}`;

describe('docs/architecture.md: the rollup of run-tagged summaries', () => {
  it('adds the runs of a minute into one series per gateway and asset, without run', async () => {
    await post('CREATE DATABASE "linewatch_fleet"', '');
    await post(createPolicy.trim());
    await post(continuousQuery.trim()); // it parses (the test server does not run it)
    const lines = [
      // A restart 25 s into 15:29: two runs' summaries of that minute, then the second run's next minute.
      point(
        '2026-12-06T15:00:00.000Z',
        minute,
        'windows=2i,alarms_raised=1i,parts=3i,parts_pass=1i,parts_fail=1i,parts_unknown=1i,score_min=1,score_max=3,score_p95=3,windows_held=1i,parts_held=2i',
      ),
      point(
        '2026-12-06T15:29:25.000Z',
        minute,
        'windows=1i,alarms_raised=0i,parts=1i,parts_pass=1i,parts_fail=0i,parts_unknown=0i,score_min=0.5,score_max=1,score_p95=1,windows_held=1i,parts_held=0i',
      ),
      point(
        '2026-12-06T15:29:25.000Z',
        minute + 60_000,
        'windows=4i,alarms_raised=2i,parts=0i,parts_pass=0i,parts_fail=0i,parts_unknown=0i,score_min=2,score_max=5,score_p95=5',
      ),
    ];
    const url = `${influx().url}/write?${new URLSearchParams({ db: 'linewatch_fleet', rp: 'runs', precision: 'ms' })}`;
    expect((await fetch(url, { method: 'POST', body: lines.join('\n') })).status).toBe(204);
    await post(selectInto);
    const [series, ...more] = await influx().query(
      'linewatch_fleet',
      'SELECT * FROM "linewatch_fleet"."autogen"."linewatch_summary_minute"',
    );
    expect(more).toEqual([]);
    const rows = series.values.map((v) => Object.fromEntries(series.columns.map((c, i) => [c, v[i]])));
    expect(rows).toEqual([
      {
        time: minute,
        gateway: 'gw-1',
        asset: 'pump-1',
        windows: 3,
        alarms_raised: 1,
        parts: 4,
        parts_pass: 2,
        parts_fail: 1,
        parts_unknown: 1,
        windows_held: 2,
        parts_held: 2,
        score_min: 0.5,
        score_max: 3,
        score_p95: 3,
      },
      {
        time: minute + 60_000,
        gateway: 'gw-1',
        asset: 'pump-1',
        windows: 4,
        alarms_raised: 2,
        parts: 0,
        parts_pass: 0,
        parts_fail: 0,
        parts_unknown: 0,
        windows_held: null, // a summary from a gateway before held counts
        parts_held: null,
        score_min: 2,
        score_max: 5,
        score_p95: 5,
      },
    ]);
    const tagKeys = await influx().query('linewatch_fleet', 'SHOW TAG KEYS FROM "linewatch_summary_minute"');
    expect(tagKeys[0].values.flat()).toEqual(['asset', 'gateway']);
  });
});
