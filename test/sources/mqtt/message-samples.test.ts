/** What the MQTT source makes of a message: samples, counted; bad ones counted by kind and logged once a minute. */
import { describe, expect, it } from 'vitest';
import { MessageSamples } from '../../../src/sources/mqtt/message-samples.js';
import { mqttSourceSchema } from '../../../src/sources/mqtt/schema.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';

const LABEL = 'mqtt broker (mqtt://127.0.0.1:1883)';
const config = mqttSourceSchema.parse({
  name: 'broker',
  type: 'mqtt',
  url: 'mqtt://127.0.0.1:1883',
  asset: 'pump-1',
  max_payload_bytes: 100,
  tags: [
    { channel: 'flow', topic: 'plant/+/telemetry', field: 'flow', unit: 'm3/h' },
    { channel: 'temp', topic: 'plant/+/telemetry', field: 'temp', timestamp_field: 'ts' },
  ],
});

function messages() {
  const log = logLines();
  const metrics = new GatewayMetrics();
  let now = 1_000;
  const samples = new MessageSamples(config, LABEL, { logger: log.logger, metrics, now: () => now });
  /** A counter's values by their quality or kind label. */
  const counted = async (name: 'samples' | 'sourceErrors') =>
    Object.fromEntries(
      (await metrics[name].get()).values.map((v) => {
        const labels = v.labels as { quality?: string; kind?: string };
        return [labels.quality ?? labels.kind, v.value];
      }),
    );
  return { samples, log, counted, at: (t: number) => (now = t) };
}

const json = (doc: unknown) => Buffer.from(JSON.stringify(doc));
/** A message's own time (timestamp_field), in epoch milliseconds. */
const T = Date.UTC(2026, 0, 1);

describe('MessageSamples', () => {
  it("gives each tag its topic feeds a sample, at the message's time or when received, and counts them", async () => {
    const { samples, counted } = messages();
    const out = samples.of('plant/p1/telemetry', json({ flow: 12.5, temp: 40, ts: T }), 900);
    expect(out).toEqual([
      {
        tag: 0,
        sample: {
          source: 'broker',
          asset: 'pump-1',
          channel: 'flow',
          ts: 900,
          received: 900,
          value: 12.5,
          quality: 'good',
          unit: 'm3/h',
        },
      },
      {
        tag: 1,
        sample: {
          source: 'broker',
          asset: 'pump-1',
          channel: 'temp',
          ts: T,
          received: 900,
          value: 40,
          quality: 'good',
        },
      },
    ]);
    expect(samples.of('other/topic', json({ flow: 1 }), 900)).toEqual([]);
    expect(await counted('samples')).toEqual({ good: 2 });
  });

  it('a bad field spoils its own tag, with the reason; bad messages are counted by kind, logged once a minute', async () => {
    const { samples, log, counted, at } = messages();
    const [flow, temp] = samples.of('plant/p1/telemetry', json({ flow: 'x', temp: 40, ts: T }), 1_000);
    expect(flow.sample).toMatchObject({
      quality: 'bad',
      reason: `${LABEL}: plant/p1/telemetry: field flow: expected a number, got a string ("x")`,
    });
    expect(temp.sample.quality).toBe('good');
    samples.of('plant/p1/telemetry', Buffer.from('not json'), 2_000);
    samples.of('plant/p1/telemetry', Buffer.alloc(101, 32), 3_000);
    at(61_000);
    samples.of('plant/p1/telemetry', json({ flow: [1], temp: 1, ts: T }), 61_000);
    const readOn = "the sample of each tag whose value or timestamp is unreadable is bad, the others' are read";
    expect(log.at(40)).toEqual([
      `${LABEL}: bad message: plant/p1/telemetry: field flow: expected a number, got a string ("x"); ${readOn}`,
      `${LABEL}: bad message: plant/p1/telemetry: field flow: expected a number, got a list; ${readOn} (and 2 more bad messages since the last of these lines, logged at most once a minute)`,
    ]);
    expect(await counted('sourceErrors')).toEqual({ bad_value: 2, not_json: 1, too_large: 1 });
  });

  it('a value missing or null: no sample of its tag (the others read), counted, said once per topic and field while it lasts', async () => {
    const { samples, log, counted } = messages();
    const channels = (out: { sample: { channel: string; quality: string } }[]) =>
      out.map((r) => `${r.sample.channel} ${r.sample.quality}`);
    expect(channels(samples.of('plant/p1/telemetry', json({ flow: null, temp: 40, ts: T }), 1_000))).toEqual([
      'temp good',
    ]);
    expect(channels(samples.of('plant/p1/telemetry', json({ temp: 41, ts: T + 1 }), 2_000))).toEqual(['temp good']);
    // Another topic the filter matches is another absence, said on its own.
    expect(channels(samples.of('plant/p2/telemetry', json({ temp: 41, ts: T + 1 }), 2_500))).toEqual(['temp good']);
    const lines = log.at(40);
    expect(lines).toEqual([
      `${LABEL}: plant/p1/telemetry: field flow is null: no sample of channel flow from these messages, the others are read (its last reading is held up to the asset's window.max_sample_age_ms); said again when it starts again`,
      `${LABEL}: plant/p2/telemetry: field flow is missing: no sample of channel flow from these messages, the others are read (its last reading is held up to the asset's window.max_sample_age_ms); said again when it starts again`,
    ]);
    expect(samples.issues()).toEqual([
      `plant/p1/telemetry: field flow missing in 2 message(s) since ${new Date(1_000).toISOString()}: channel flow has no new sample`,
      `plant/p2/telemetry: field flow missing in 1 message(s) since ${new Date(2_500).toISOString()}: channel flow has no new sample`,
    ]);
    expect(samples.missing(0, 9_000, 6_000).reason).toBe(
      `${LABEL}: plant/p1/telemetry: field flow missing in every message within 6000 ms`,
    );
    // The value back ends the absence; one that starts again within 10 minutes is counted, told with the next line.
    samples.of('plant/p1/telemetry', json({ flow: 1, temp: 40, ts: T + 2 }), 3_000);
    expect(samples.issues()).toHaveLength(1);
    samples.of('plant/p1/telemetry', json({ flow: null, temp: 40, ts: T + 3 }), 4_000);
    samples.of('plant/p1/telemetry', json({ flow: 1, temp: 40, ts: T + 4 }), 5_000);
    samples.of('plant/p1/telemetry', json({ flow: null, temp: 40, ts: T + 5 }), 601_000);
    expect(log.at(40).slice(lines.length)).toEqual([
      `${LABEL}: plant/p1/telemetry: field flow is null: no sample of channel flow from these messages, the others are read (its last reading is held up to the asset's window.max_sample_age_ms); said again when it starts again (and 1 more times it did since the last of these lines, said at most once every 10 minutes)`,
    ]);
    expect(await counted('sourceErrors')).toEqual({ missing_value: 5 });
    expect(await counted('samples')).toEqual({ good: 9 });
    // A message without several values: one line for all it started.
    samples.of('plant/p3/telemetry', json({ ts: T }), 602_000);
    expect(log.at(40).slice(lines.length + 1)).toEqual([
      `${LABEL}: plant/p3/telemetry: field flow is missing, field temp is missing: no sample of channels flow, temp from these messages, the others are read (their last readings are held up to the asset's window.max_sample_age_ms); said again when it starts again`,
    ]);
  });

  it('a packet refused unread: bad samples for the tags of its topic; without a topic, counted and logged only', async () => {
    const { samples, log, counted } = messages();
    const decode = samples.ofRefused({ type: 'publish', bytes: 200_000, topic: 'plant/p1/telemetry' });
    expect(decode?.(5_000).map((r) => [r.sample.channel, r.sample.quality, r.sample.ts])).toEqual([
      ['flow', 'bad', 5_000],
      ['temp', 'bad', 5_000],
    ]);
    expect(decode?.(5_000)[0].sample.reason).toBe(
      `${LABEL}: a publish on plant/p1/telemetry of 200000 bytes is over the ${100 + 65_535 + 1024} bytes a packet may take (max_payload_bytes and the longest topic): not read, the connection closed`,
    );
    expect(samples.ofRefused({ type: 'subscribe ack', bytes: 200_000 })).toBeUndefined();
    expect(await counted('sourceErrors')).toEqual({ too_large: 3 });
    expect(log.at(40)).toHaveLength(1);
  });

  it("names the topic a tag's message did not come on, for readOnce", () => {
    expect(messages().samples.missing(1, 7_000, 6_000)).toEqual({
      source: 'broker',
      asset: 'pump-1',
      channel: 'temp',
      ts: 7_000,
      value: Number.NaN,
      quality: 'bad',
      reason: `${LABEL}: no message on plant/+/telemetry within 6000 ms`,
    });
  });
});
