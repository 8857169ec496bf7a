/**
 * Grafana does not run here, so every query of every InfluxDB dashboard (panels, annotations,
 * template variables) is run against a real InfluxDB filled by a real gateway run against the
 * simulator, with an injected fault, a raised and acknowledged alarm and health points (and a gap of the alarm
 * journal, written by the InfluxDB sink as the gateway writes one it recorded). Each must
 * return data of the shape its panel expects. The Prometheus dashboard's expressions must name
 * only families the gateway's /metrics has. Every panel has a unit and thresholds, every
 * dashboard a datasource variable its panels use. docs/influxdb.md's reference of the measurements is checked against
 * what the same run wrote (every tag and field, with its type, documented) and each of its queries returns rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile } from '../../src/config/load.js';
import { influxSchema } from '../../src/config/schema.js';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { InfluxSink } from '../../src/sinks/influx/influx-sink.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';
import { startInfluxd, type Influxd, type InfluxSeries } from '../../src/testing/influxd.js';
import { nextEvent } from '../helpers/gateway-events.js';
import { documentedMeasurements } from '../helpers/influx-layout-doc.js';

const DB = 'lw_grafana';
let influx: Influxd;

interface Datasource {
  type: string;
  uid: string;
}
interface Target {
  query: string;
  alias: string;
  expr: string;
  resultFormat: string;
  refId: string;
  datasource: Datasource;
}
interface Panel {
  title: string;
  type: string;
  datasource: Datasource;
  targets: Target[];
  transformations?: { id: string; options: Record<string, string> }[];
  fieldConfig: {
    defaults: { unit?: string; thresholds?: { mode: string; steps: { color: string; value: number | null }[] } };
  };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  links?: { url?: string; type: string }[];
  templating: { list: { name: string; type: string; query: string; datasource?: Datasource }[] };
  annotations: {
    list: {
      name: string;
      query: string;
      datasource: Datasource;
      textColumn: string;
      tagsColumn?: string;
      timeEndColumn?: string;
    }[];
  };
}

const all = readdirSync(join(ROOT, 'grafana/dashboards')).map(
  (f) => JSON.parse(readFileSync(join(ROOT, 'grafana/dashboards', f), 'utf8')) as Dashboard,
);
const datasourceKind = (d: Dashboard) => d.templating.list.find((v) => v.type === 'datasource')?.query;
const dashboards = all.filter((d) => datasourceKind(d) === 'influxdb');
const byUid = (uid: string) => all.find((d) => d.uid === uid)!;
let alarmWrittenAt: number;
const YIELD_ASSET = 'press-yield';

/** What Grafana substitutes before sending a query. */
function expand(query: string): string {
  return query
    .replaceAll('$timeFilter', 'time > now() - 1h')
    .replaceAll('$__interval_ms', '1000')
    .replaceAll('$__interval', '1s')
    .replace(/\/\^\$(line|asset|gateway)\$\//g, '/^.*$/');
}

beforeAll(async () => {
  influx = await startInfluxd();
  const sim = await runSimulator({ modbusPort: 0, seed: 21 });
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
  });
  loaded.config.storage.local = undefined;
  loaded.config.storage.influxdb = influxSchema.parse({
    url: influx.url,
    database: DB,
    batch_size: 1000,
    flush_interval_ms: 100,
    timeout_ms: 2000,
    health_interval_ms: 300,
    buffer: { type: 'memory', max_bytes: 1 << 26 },
  });
  const gateway = new Gateway(loaded, { logger: silentLogger(), metrics: new GatewayMetrics() });
  await gateway.start();
  await nextEvent(gateway.events, 'scores');
  sim.sim.injectFault({ type: 'cavitation', severity: 0.9, ramp_s: 0.5 });
  await nextEvent(gateway.events, 'alarm');
  await gateway.command('pump-1', 'anomaly', { command: 'ack', by: 'grafana-test', comment: 'seen' });
  // A judged part, for the pass-rate panel (one pressed while the gateway started is unknown: no pass field).
  await nextEvent(gateway.events, 'parts', (ps) => ps.some((p) => p.verdict !== 'unknown'));
  await gateway.stop();
  await sim.close();
  const [last] = await influx.query(DB, 'SELECT last("annunciated") FROM "linewatch_alarm"');
  alarmWrittenAt = last.values[0][0] as number;
  // A gap the local store's journal recorded (the gateway publishes it to its sinks): not made here by filling the
  // journal's backlog past its bound (test/runtime/journal-gap-told.e2e.test.ts does that).
  const { name, site, line } = loaded.config.gateway;
  const sink = new InfluxSink(loaded.config.storage.influxdb!, { gateway: name, site, line }, {
    logger: silentLogger(),
    metrics: new GatewayMetrics(),
    queue: new MemoryQueue(1 << 20),
  });
  await sink.start();
  const from = alarmWrittenAt - 5_000;
  const gap = { asset: 'pump-1', alarm: 'anomaly', dropped: 3, from, to: from + 2_000, ts: from };
  sink.write({ samples: [], scores: [], alarms: [], journalGaps: [{ ...gap, message: '3 transition(s) dropped' }] });
  // Two parts of a press of their own in one second: one passed, one unknown (its start not seen).
  const part = { asset: YIELD_ASSET, ts: from - 5_000, topChannels: [], model: 'press-ae' };
  sink.write({
    samples: [],
    scores: [],
    alarms: [],
    parts: [
      { ...part, partId: 'PRS-1', verdict: 'pass', score: 0.01, threshold: 0.02, cycleMs: 3900 },
      { ...part, partId: 'PRS-2', verdict: 'unknown', reason: 'its start was not seen' },
    ],
  });
  await sink.close();
});
afterAll(async () => {
  await influx?.stop();
});

function numericValues(series: InfluxSeries[]): number[] {
  return series.flatMap((s) =>
    s.values.flatMap((row) => row.slice(1).filter((v): v is number => typeof v === 'number')),
  );
}

describe.each(dashboards.map((d) => [d.title, d] as const))('dashboard %s', (_, dashboard) => {
  it.each(dashboard.panels.flatMap((p) => p.targets.map((t) => [`${p.title} (${t.refId})`, p, t] as const)))(
    'panel %s returns data of its shape',
    async (_, panel, target) => {
      const series = await influx.query(DB, expand(target.query));
      expect(series.length, `no series for: ${expand(target.query)}`).toBeGreaterThan(0);
      expect(series.every((s) => s.columns[0] === 'time')).toBe(true);
      if (panel.type === 'table') {
        const wanted = [...target.query.matchAll(/SELECT (.*) FROM/g)][0][1]
          .split(',')
          .map((c) => c.trim().replaceAll('"', ''));
        for (const column of wanted) expect(series[0].columns).toContain(column);
      } else {
        expect(numericValues(series).length, `no numbers for: ${expand(target.query)}`).toBeGreaterThan(0);
      }
    },
  );

  it.each(dashboard.annotations.list.map((a) => [a.name, a] as const))(
    'annotation %s finds what it marks',
    async (_, annotation) => {
      const [series] = await influx.query(DB, expand(annotation.query));
      expect(series.values.length).toBeGreaterThan(0);
      expect(series.columns).toContain('message');
      expect(series.columns).toContain(annotation.textColumn);
      // Each tag column (comma-separated) is one the query returns, with the asset: Grafana tags the mark with it
      // (regression: "asset" named but not selected, so the marks had no tag).
      for (const column of annotation.tagsColumn?.split(',').map((c) => c.trim()) ?? []) {
        expect(series.columns, `${annotation.name}: ${column}`).toContain(column);
        expect(series.values.map((row) => row[series.columns.indexOf(column)])).toContain('pump-1');
      }
      // A span's end (ms since the epoch), after its start, where the annotation marks a span
      const [first] = series.values as number[][];
      if (annotation.timeEndColumn)
        expect(first[series.columns.indexOf(annotation.timeEndColumn)]).toBeGreaterThan(first[0]);
    },
  );

  it.each(dashboard.templating.list.filter((v) => v.type === 'query').map((v) => [v.name, v] as const))(
    'variable $%s has values',
    async (_, variable) => {
      const [series] = await influx.query(DB, variable.query);
      expect(series.values.length).toBeGreaterThan(0);
    },
  );
});

describe('what the panels show', () => {
  const panelQuery = (title: RegExp) =>
    expand(byUid('linewatch-line').panels.find((p) => title.test(p.title))!.targets[0].query);
  const ofAsset = (series: InfluxSeries[]) => series.filter((s) => s.tags?.asset === YIELD_ASSET);

  // Before, the pass rate was mean("pass"): an unknown part has no pass field, so 1 pass and 1 unknown read 100 %.
  it('the first-pass yield counts an unknown part as not passed', async () => {
    const [series] = ofAsset(await influx.query(DB, panelQuery(/^First-pass yield/)));
    expect(series.values.map((v) => v[1])).toEqual([0.5]);
  });

  it('the parts per verdict panel counts each verdict, unknown too', async () => {
    const series = ofAsset(await influx.query(DB, panelQuery(/^Parts per verdict/)));
    expect(series.map((s) => [s.tags!.verdict, s.values.map((v) => v[1])])).toEqual([
      ['pass', [1]],
      ['unknown', [1]],
    ]);
  });

  it('the alarm journal shows the raise and the acknowledgement with who did it', async () => {
    const [series] = await influx.query(
      DB,
      'SELECT "state", "by" FROM "linewatch_alarm" WHERE "asset" = \'pump-1\' ORDER BY time',
    );
    expect(series.values.map((v) => [v[1], v[2]])).toEqual([
      ['unack_active', ''],
      ['ack_active', 'grafana-test'],
    ]);
  });
});

describe.each(all.map((d) => [d.title, d] as const))('dashboard %s', (_, dashboard) => {
  it.each(dashboard.panels.map((p) => [p.title, p] as const))('panel %s has a unit and thresholds', (_, panel) => {
    const { unit, thresholds } = panel.fieldConfig.defaults;
    expect(unit, panel.title).toMatch(/^[a-z]+$/);
    expect(thresholds?.mode).toBe('absolute');
    expect(thresholds?.steps[0]).toEqual({ color: expect.any(String), value: null });
    expect(thresholds?.steps.slice(1).every((s) => typeof s.value === 'number')).toBe(true);
  });

  it('picks its datasource with a $datasource variable that every panel, query and annotation uses', () => {
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable?.name).toBe('datasource');
    expect(['influxdb', 'prometheus']).toContain(variable?.query);
    const used = [
      ...dashboard.panels.flatMap((p) => [p.datasource, ...p.targets.map((t) => t.datasource)]),
      ...dashboard.annotations.list.map((a) => a.datasource),
      ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.datasource!),
    ];
    expect(used.filter((d) => d.uid !== '${datasource}' || d.type !== variable?.query)).toEqual([]);
  });
});

/** The row of docs/influxdb.md that documents a field: one per channel (`c_<channel>`, `h_<channel>`), else its own. */
function fieldRow(key: string): string {
  return key.startsWith('c_') ? 'c_<channel>' : key.startsWith('h_') ? 'h_<channel>' : key;
}

describe('docs/influxdb.md, the reference of what is written', () => {
  const documented = documentedMeasurements();

  it('documents every measurement the gateway wrote, each with its query', async () => {
    const [written] = await influx.query(DB, 'SHOW MEASUREMENTS');
    expect(documented.map((m) => m.name).sort()).toEqual(written.values.map((v) => v[0]).sort());
    for (const m of documented) expect(m.queries, m.name).toHaveLength(1);
  });

  it.each(documented.map((m) => [m.name, m] as const))(
    '%s: every tag and every field written is documented, with its type',
    async (_, m) => {
      const tagKeys = (await influx.query(DB, `SHOW TAG KEYS FROM "${m.name}"`)).flatMap((s) => s.values.map((v) => v[0]));
      expect([...tagKeys].sort()).toEqual([...m.tags, 'gateway', 'line', 'site'].filter((t) => tagKeys.includes(t)).sort());
      expect(tagKeys).toEqual(expect.arrayContaining(['gateway', 'line', 'site']));
      const [fields] = await influx.query(DB, `SHOW FIELD KEYS FROM "${m.name}"`);
      const undocumented = fields.values
        .map(([key, type]) => [key as string, type as string])
        .filter(([key, type]) => (m.fields.get(fieldRow(key)) ?? 'none') !== type);
      expect(undocumented).toEqual([]);
    },
  );

  it.each(documented.flatMap((m) => m.queries.map((q) => [m.name, q] as const)))(
    '%s: the documented query returns rows',
    async (_, query) => {
      const series = await influx.query(DB, query);
      expect(series.flatMap((s) => s.values).length, query).toBeGreaterThan(0);
    },
  );

  it('linewatch_sample carries each channel\'s configured unit, and none where a channel has none', async () => {
    const [units] = await influx.query(DB, 'SHOW TAG VALUES FROM "linewatch_sample" WITH KEY = "unit" WHERE "channel" = \'pressure\'');
    expect(units.values).toEqual([['unit', 'bar']]);
    const counted = await influx.query(
      DB,
      'SELECT count("value") FROM "linewatch_sample" WHERE "channel" = \'part_counter\' AND "unit" = \'\'',
    );
    expect(counted[0]?.values[0][1]).toBeGreaterThan(0);
  });
});

describe('what the line overview shows', () => {
  const line = byUid('linewatch-line');
  const alarmQuery = line.panels.find((p) => p.title === 'Alarms needing attention')!.targets[0].query;

  it('"Alarms needing attention" shows an alarm raised before the time range that is still active', async () => {
    // The time range starts after the last alarm point: the raise and the acknowledgement lie before it.
    const range = (q: string) => expand(q.replaceAll('$timeFilter', `time > ${alarmWrittenAt}ms`));
    const series = await influx.query(DB, range(alarmQuery));
    expect(series.map((s) => [s.tags, s.values[0][1]])).toEqual([[{ asset: 'pump-1', alarm: 'anomaly' }, 1]]);
    // As the panel was: last() inside the time range, which finds nothing there.
    const before = 'SELECT last("annunciated") FROM "linewatch_alarm" WHERE $timeFilter GROUP BY "asset"';
    expect(await influx.query(DB, range(before))).toEqual([]);
  });

  it('the line overview links to the asset dashboard and back, keeping the datasource', () => {
    const asset = byUid('linewatch-asset');
    const scorePanel = line.panels.find((p) => p.title === 'Anomaly score per asset')!;
    const dataLinks = (scorePanel.fieldConfig.defaults as { links?: { url: string }[] }).links ?? [];
    expect(dataLinks.map((l) => l.url)).toContainEqual(
      expect.stringMatching(/^\/d\/linewatch-asset\/linewatch-asset\?var-asset=\$\{__field\.labels\.asset\}&/),
    );
    expect(line.links?.map((l) => l.url)).toContain('/d/linewatch-asset/linewatch-asset?var-datasource=${datasource}');
    expect(asset.links?.map((l) => l.url)).toContain('/d/linewatch-line/linewatch-line?var-datasource=${datasource}');
  });
});

/** The series' name as Grafana shows it: the alias with each $tag_<key> replaced, then the panel's renameByRegex. */
function shownName(panel: Panel, series: InfluxSeries) {
  const alias = panel.targets[0].alias.replace(/\$tag_(\w+)/g, (_, key: string) => series.tags?.[key] ?? '');
  return (panel.transformations ?? [])
    .filter((t) => t.id === 'renameByRegex')
    .reduce((name, t) => name.replace(new RegExp(t.options.regex), t.options.renamePattern), alias);
}

describe('what the asset dashboard shows', () => {
  // Regression: the Channels panel named each line by its channel alone, though linewatch_sample carries its unit.
  it("the Channels panel names each channel with its unit, and a channel without one by its name alone", async () => {
    const panel = byUid('linewatch-asset').panels.find((p) => p.title === 'Channels')!;
    const names = (await influx.query(DB, expand(panel.targets[0].query))).map((s) => shownName(panel, s));
    expect(names).toEqual(expect.arrayContaining(['pressure (bar)', 'vibration_1 (g)', 'flow (l/min)', 'force (kN)']));
    expect(names).toContain('part_counter');
    expect(names.filter((n) => n.includes('()') || n.includes('$'))).toEqual([]);
  });
});

describe('the gateway-metrics dashboard (Prometheus)', () => {
  const dashboard = byUid('linewatch-metrics');

  it.each(dashboard.panels.flatMap((p) => p.targets.map((t) => [`${p.title} (${t.refId})`, t] as const)))(
    'panel %s queries only families the gateway serves',
    async (_, target) => {
      const exposition = await new GatewayMetrics({ processMetrics: true }).registry.metrics();
      const families = new Set([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]));
      const names = [...target.expr.matchAll(/\b((?:linewatch|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => !families.has(n) && !families.has(n.replace(/_bucket$/, '')))).toEqual([]);
    },
  );
});

describe('datasource provisioning', () => {
  const file = readFileSync(join(ROOT, 'grafana/provisioning/datasources/linewatch.yaml'), 'utf8');
  const { datasources } = parseYaml(file) as { datasources: Record<string, unknown>[] };

  it('takes the InfluxDB credentials and every URL from the environment', () => {
    const influxdb = datasources.find((d) => d.type === 'influxdb');
    expect(influxdb).toMatchObject({
      url: '${INFLUXDB_URL}',
      user: '${INFLUXDB_USER}',
      jsonData: { dbName: '${INFLUXDB_DATABASE}' },
      secureJsonData: { password: '${INFLUXDB_PASSWORD}' },
    });
    expect(datasources.find((d) => d.type === 'prometheus')).toMatchObject({ url: '${PROMETHEUS_URL}' });
  });

  // Regression: only 1.x's user and password could be provisioned, not the token of storage.influxdb.token (2.x, 3.x).
  it('for InfluxDB 2.x or 3.x, the token file queries with InfluxQL and "Authorization: Token ${INFLUXDB_TOKEN}"', () => {
    const tokenFile = readFileSync(join(ROOT, 'grafana/influxdb-token-datasource.yaml'), 'utf8');
    const withToken = (parseYaml(tokenFile) as { datasources: Record<string, unknown>[] }).datasources;
    const influxdb = withToken.find((d) => d.type === 'influxdb')!;
    const shipped = datasources.find((d) => d.type === 'influxdb')!;
    // The same datasource for the dashboards (name, uid), read with InfluxQL through the DBRP mapping: no Flux.
    expect(influxdb).toMatchObject({ name: shipped.name, uid: shipped.uid, url: '${INFLUXDB_URL}', access: 'proxy' });
    expect(influxdb.jsonData).toEqual({
      ...(shipped.jsonData as object),
      httpHeaderName1: 'Authorization',
    });
    expect(influxdb.secureJsonData).toEqual({ httpHeaderValue1: 'Token ${INFLUXDB_TOKEN}' });
    expect(influxdb).not.toHaveProperty('user');
    expect(withToken.filter((d) => d.type !== 'influxdb')).toEqual(datasources.filter((d) => d.type !== 'influxdb'));
    // docker-compose.yml shows how to put it in place of the shipped file, with the token from the environment.
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(
      '# - ./grafana/influxdb-token-datasource.yaml:/etc/grafana/provisioning/datasources/linewatch.yaml:ro',
    );
    expect(compose).toContain('# INFLUXDB_TOKEN: ${INFLUXDB_TOKEN:?');
  });
});
