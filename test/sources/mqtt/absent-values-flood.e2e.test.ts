/**
 * A publisher naming topics without end under one tag's wildcard, each message without that tag's value (a hostile or
 * broken publisher on the plant network): the (topic, field) pairs followed are bounded, and another tag's absence,
 * on its own topic, is still said and listed in tagIssues (regression: past 256 pairs no absence was said or listed
 * again, for good). Against a real mosquitto; no sleeps: the wait is for a batch published after the others.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttSourceSchema } from '../../../src/sources/mqtt/schema.js';
import { startMosquitto } from '../../../src/testing/mosquitto.js';
import { logLines } from '../../helpers/log-lines.js';
import { startedMqttSource } from '../../helpers/started-mqtt-source.js';
import { suiteServer } from '../../helpers/suite-server.js';

const broker = suiteServer(startMosquitto);
const FLOOD_TOPICS = 300;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A source reading `v` from flood/+/telemetry and `t` from flood-press/status, started, with a publisher. */
async function floodedSource() {
  const log = logLines();
  const config = mqttSourceSchema.parse({
    name: 'plant',
    type: 'mqtt',
    url: broker().url,
    asset: 'press-1',
    tags: [
      { channel: 'v', topic: 'flood/+/telemetry', field: 'v' },
      { channel: 't', topic: 'flood-press/status', field: 't' },
    ],
  });
  return { log, ...(await startedMqttSource(config, log, () => 0, cleanups)) };
}

describe('absent values under a wildcard flood', () => {
  it("leave another tag's absence said and listed (regression: unsaid past 256 topics)", async () => {
    const { log, source, batches, seen, publisher } = await floodedSource();

    for (let i = 0; i < FLOOD_TOPICS; i++) await publisher.publishAsync(`flood/x${i}/telemetry`, '{}', { qos: 1 });
    await publisher.publishAsync('flood-press/status', '{"t": null}', { qos: 1 });
    // In order on one connection: once this one's batch came, the others were taken.
    await publisher.publishAsync('flood/last/telemetry', '{"v": 7}', { qos: 1 });
    while (!batches.some((b) => b.some((s) => s.value === 7))) await once(seen, 'batch');

    expect(source.tagIssues().filter((i) => i.startsWith('flood-press/status: '))).toEqual([
      expect.stringMatching(
        /^flood-press\/status: field t null in 1 message\(s\) since .*: channel t has no new sample$/,
      ),
    ]);
    expect(log.at(40).filter((m) => m.includes('flood-press/status: field t is null'))).toHaveLength(1);
    // Bounded: 256 pairs of the flooded tag at most, and the other tag's one.
    expect(source.tagIssues()).toHaveLength(257);
  }, 60_000);

  it('show at most 200 characters of a topic in issues, log lines and sample reasons (regression: 15 MB issues)', async () => {
    const { log, source, batches, seen, publisher } = await floodedSource();
    const level = 'x'.repeat(60_000);
    await publisher.publishAsync(`flood/${level}/telemetry`, '{}', { qos: 1 });
    await publisher.publishAsync(`flood/${level}/telemetry`, 'not json', { qos: 1 });
    while (batches.length === 0) await once(seen, 'batch');

    const shown = `flood/${level.slice(0, 194)}…`;
    expect(source.tagIssues()).toEqual([expect.stringMatching(new RegExp(`^${shown}: field v missing in 1 message`))]);
    const absentLine = log.lines.find((l) => l.level === 40 && / is missing: /.test(l.msg));
    expect(absentLine).toMatchObject({ topic: shown, msg: expect.stringContaining(`: ${shown}: field v is missing`) });
    expect(absentLine?.msg.length).toBeLessThan(1000);
    expect(batches[0]).toEqual([
      expect.objectContaining({
        channel: 'v',
        quality: 'bad',
        reason: expect.stringContaining(`: ${shown}: the payload is not JSON`),
      }),
    ]);
    expect(batches[0][0].reason?.length).toBeLessThan(1000);
  }, 60_000);
});
