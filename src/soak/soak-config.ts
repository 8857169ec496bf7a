/**
 * The soak's gateway configuration: the demo line's config (config/demo.yaml) polled `rate`
 * times as often, with the InfluxDB sink, the MQTT cloud sync and an mqtt_publish alarm action
 * on the pump, all queues and stores in `dataDir`. The models are copies whose sample period
 * is divided by the rate (`scaledManifest`): at ten times the rate a model sees 20 ms samples,
 * each 200 ms of the ten times faster plant. Pure: text in, text out.
 */
import { basename } from 'node:path';
import { parse, stringify } from 'yaml';

export interface SoakTargets {
  readonly influxUrl: string;
  readonly mqttUrl: string;
  readonly dataDir: string;
  /** Folder holding the scaled model copies, one sub-folder per model folder name of the demo config. */
  readonly modelDir: string;
  /** How many times faster than the demo the sources are polled (the simulator runs as much faster). */
  readonly rate: number;
}

interface DemoDoc {
  data_dir?: string;
  http?: Record<string, unknown>;
  sources: Array<{ poll_interval_ms?: number }>;
  assets: Array<{
    name: string;
    model: string;
    alarm?: { actions?: unknown[]; on_delay_ms?: number; off_delay_ms?: number };
  }>;
  storage?: Record<string, unknown>;
  cloud?: Record<string, unknown>;
}

export function soakConfigText(demoYaml: string, t: SoakTargets): string {
  if (!(t.rate >= 1)) throw new RangeError(`soak rate ${t.rate}: expected a number of at least 1`);
  const doc = parse(demoYaml) as DemoDoc;
  doc.data_dir = t.dataDir;
  doc.http = { ...doc.http, port: 0 };
  for (const s of doc.sources) s.poll_interval_ms = Math.max(1, Math.round((s.poll_interval_ms ?? 1000) / t.rate));
  for (const a of doc.assets) {
    a.model = `${t.modelDir}/${basename(a.model)}`;
    for (const key of ['on_delay_ms', 'off_delay_ms'] as const)
      if (a.alarm?.[key] !== undefined) a.alarm[key] = Math.round(a.alarm[key] / t.rate);
  }
  const pump = doc.assets.find((a) => a.name === 'pump-1');
  if (!pump) throw new Error('soak: config/demo.yaml has no asset pump-1 to put the alarm action on');
  pump.alarm = {
    ...pump.alarm,
    actions: [
      ...(pump.alarm?.actions ?? []),
      { type: 'mqtt_publish', name: 'soak-alarm', url: t.mqttUrl, topic: 'soak/alarms/{asset}/{alarm}' },
    ],
  };
  doc.storage = {
    local: { path: `${t.dataDir}/demo.db`, retention_hours: 24 },
    influxdb: { url: t.influxUrl, database: 'linewatch_soak' },
  };
  doc.cloud = { mqtt: { url: t.mqttUrl, topic_prefix: 'soak', health_interval_ms: 10_000 } };
  return stringify(doc);
}

/** The model folder names the demo config uses (models/<name>). */
export function demoModelFolders(demoYaml: string): string[] {
  return (parse(demoYaml) as DemoDoc).assets.map((a) => basename(a.model));
}

/** A model manifest (JSON text) whose sample period is divided by `rate`. */
export function scaledManifest(manifestJson: string, rate: number): string {
  const m = JSON.parse(manifestJson) as { input?: { sample_period_ms?: unknown } };
  const period = m.input?.sample_period_ms;
  if (typeof period !== 'number') throw new Error('soak: model manifest has no numeric input.sample_period_ms');
  const scaled = period / rate;
  if (!Number.isInteger(scaled))
    throw new RangeError(`soak rate ${rate}: the model's sample period ${period} ms is not a multiple of it`);
  m.input!.sample_period_ms = scaled;
  return `${JSON.stringify(m, null, 2)}\n`;
}
