/**
 * Grafana does not run here, so every query of every dashboard (panels, annotations, template
 * variables) is run against a real InfluxDB filled by a real gateway run against the simulator,
 * with an injected fault, a raised and acknowledged alarm and health points. Each must return
 * data of the shape its panel expects.
 */
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { influxSchema } from '../../src/config/schema.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';
import { startInfluxd, type Influxd, type InfluxSeries } from '../../src/testing/influxd.js';

const DB = 'lw_grafana';
let influx: Influxd;

interface Target {
  query: string;
  resultFormat: string;
  refId: string;
}
interface Panel {
  title: string;
  type: string;
  targets: Target[];
}
interface Dashboard {
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query: string }[] };
  annotations: { list: { name: string; query: string }[] };
}

const dashboards = readdirSync(join(ROOT, 'grafana/dashboards')).map(
  (f) => JSON.parse(readFileSync(join(ROOT, 'grafana/dashboards', f), 'utf8')) as Dashboard,
);

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
  await once(gateway, 'scores');
  sim.sim.injectFault({ type: 'cavitation', severity: 0.9, ramp_s: 0.5 });
  await once(gateway, 'alarm');
  gateway.command('pump-1', 'anomaly', { command: 'ack', by: 'grafana-test', comment: 'seen' });
  await once(gateway, 'parts'); // a pressed part, for the pass-rate panel
  await gateway.stop();
  await sim.close();
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
    'annotation %s finds the raised alarm',
    async (_, annotation) => {
      const [series] = await influx.query(DB, expand(annotation.query));
      expect(series.values.length).toBeGreaterThan(0);
      expect(series.columns).toContain('message');
    },
  );

  it.each(dashboard.templating.list.map((v) => [v.name, v] as const))(
    'variable $%s has values',
    async (_, variable) => {
      const [series] = await influx.query(DB, variable.query);
      expect(series.values.length).toBeGreaterThan(0);
    },
  );
});

describe('what the panels show', () => {
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
