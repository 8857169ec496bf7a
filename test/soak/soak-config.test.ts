import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEMO_CONFIG } from '../../src/cli/demo.js';
import { demoModelFolders, scaledManifest, soakConfigText } from '../../src/soak/soak-config.js';

const demo = readFileSync(DEMO_CONFIG, 'utf8');
const targets = {
  influxUrl: 'http://127.0.0.1:8086',
  mqttUrl: 'mqtt://127.0.0.1:1883',
  dataDir: '/tmp/soak-data',
  modelDir: '/tmp/soak-models',
  rate: 10,
};

describe('soakConfigText', () => {
  it('polls ten times as often, with InfluxDB, MQTT sync and an alarm action, everything in the data folder', () => {
    const doc = parse(soakConfigText(demo, targets));
    expect(doc.sources.map((s: { poll_interval_ms: number }) => s.poll_interval_ms)).toEqual([20, 20]);
    expect(doc.storage.influxdb).toEqual({ url: targets.influxUrl, database: 'linewatch_soak' });
    expect(doc.storage.local.path).toBe('/tmp/soak-data/demo.db');
    expect(doc.cloud.mqtt.url).toBe(targets.mqttUrl);
    expect(doc.assets.map((a: { model: string }) => a.model)).toEqual([
      '/tmp/soak-models/pump-hybrid',
      '/tmp/soak-models/press-ae',
    ]);
    expect(doc.assets[0].alarm.actions).toEqual([
      { type: 'mqtt_publish', name: 'soak-alarm', url: targets.mqttUrl, topic: 'soak/alarms/{asset}/{alarm}' },
    ]);
    expect(doc.assets[0].alarm.on_delay_ms).toBe(100);
    expect(doc.http.port).toBe(0);
  });
  it('refuses a rate below 1', () => {
    expect(() => soakConfigText(demo, { ...targets, rate: 0.5 })).toThrow(
      'soak rate 0.5: expected a number of at least 1',
    );
  });
  it('names the demo model folders', () => {
    expect(demoModelFolders(demo)).toEqual(['pump-hybrid', 'press-ae']);
  });
});

describe('scaledManifest', () => {
  it('divides the sample period by the rate and keeps the rest', () => {
    const m = JSON.stringify({ name: 'x', input: { sample_period_ms: 200, window_length: 20 } });
    expect(JSON.parse(scaledManifest(m, 10))).toEqual({
      name: 'x',
      input: { sample_period_ms: 20, window_length: 20 },
    });
  });
  it('refuses a rate that does not divide the period, and a manifest without one', () => {
    expect(() => scaledManifest(JSON.stringify({ input: { sample_period_ms: 200 } }), 3)).toThrow(
      "soak rate 3: the model's sample period 200 ms is not a multiple of it",
    );
    expect(() => scaledManifest('{}', 10)).toThrow('soak: model manifest has no numeric input.sample_period_ms');
  });
});
