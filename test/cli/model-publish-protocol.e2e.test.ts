/**
 * Regression: `linewatch model publish` connected with MQTT 3.1.1 whatever the gateways spoke, since cloud sync speaks
 * MQTT 5 by default (cloud.mqtt.protocol_version). Now it speaks MQTT 5 too, or 3.1.1 with --protocol-version 4, and a
 * broker without MQTT 5 is answered with that flag, as cloud sync names its setting. The brokers here are a fault
 * injection that records each CONNECT's protocol level (test/helpers/oversize-broker.ts: it sends nothing over the
 * bound, `floods: 0`), since mosquitto 2 takes every version; model-publish-cli.e2e.test.ts publishes to mosquitto.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startOversizeBroker, type OversizeBroker } from '../helpers/oversize-broker.js';
import { startUpdater, type UpdaterFixture } from '../helpers/updater-fixture.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A broker that speaks `speaks` and answers another version as `unspoken` says, and a signed release uploaded. */
async function setUp(
  speaks: number[],
  unspoken: 'connack1' | 'close' | 'reset' = 'connack1',
): Promise<{ broker: OversizeBroker; f: UpdaterFixture }> {
  const broker = await startOversizeBroker({ topic: 'unused', after: 'publish', floods: 0, speaks, unspoken });
  cleanups.push(() => broker.close());
  const f = await startUpdater({ start: false });
  cleanups.push(() => f.close());
  await f.release('v2', '2.0.0', 2);
  return { broker, f };
}

function publish(f: UpdaterFixture, brokerUrl: string, extra: string[] = []) {
  return runCli([
    'model',
    'publish',
    '--model',
    `${f.releases.root}/v2`,
    '--public-key',
    f.keys.publicPath,
    '--url',
    `${f.releases.url}/v2/`,
    '--broker',
    brokerUrl,
    '--prefix',
    'plant7',
    ...extra,
  ]);
}

const published = (url: string) =>
  expect.stringMatching(new RegExp(`^published: \\{.*\\} retained on plant7/releases/pump-ae at ${url} \\(`));

describe('linewatch model publish and the MQTT version', () => {
  it('connects with MQTT 5 by default, as cloud sync does, and with 3.1.1 given --protocol-version 4', async () => {
    const { broker, f } = await setUp([4, 5]);
    const v5 = await publish(f, broker.url);
    expect([v5.code, v5.stderr, v5.stdout]).toEqual([0, '', published(broker.url)]);
    const v4 = await publish(f, broker.url, ['--protocol-version', '4']);
    expect([v4.code, v4.stderr, v4.stdout]).toEqual([0, '', published(broker.url)]);
    expect(broker.accepted).toEqual([5, 4]);
  }, 60_000);

  it.each([
    [
      'refuses the version',
      'connack1',
      'Connection refused: Unacceptable protocol version (the broker does not speak MQTT 5: pass --protocol-version 4)',
    ],
    [
      'closes the connection',
      'close',
      'the broker closed the connection before accepting it (no CONNACK): a broker without MQTT 5 closes it so; pass --protocol-version 4 if it does not speak MQTT 5',
    ],
    [
      'resets the connection',
      'reset',
      'read ECONNRESET (the broker reset the connection before accepting it, no CONNACK: a broker without MQTT 5 resets it so; pass --protocol-version 4 if it does not speak MQTT 5)',
    ],
  ] as const)(
    'a broker without MQTT 5 that %s: the error names --protocol-version 4, which connects',
    async (_, unspoken, error) => {
      const { broker, f } = await setUp([4], unspoken);
      const refused = await publish(f, broker.url);
      expect([refused.code, refused.stdout, refused.stderr]).toEqual([
        1,
        '',
        `linewatch: --broker ${broker.url}: ${error}\n`,
      ]);
      const v4 = await publish(f, broker.url, ['--protocol-version', '4']);
      expect([v4.code, v4.stderr]).toEqual([0, '']);
      expect(broker.accepted).toEqual([4]);
    },
    60_000,
  );

  it('refuses a version other than 4 or 5 as a usage error, before it connects', async () => {
    const { broker, f } = await setUp([4, 5]);
    const v3 = await publish(f, broker.url, ['--protocol-version', '3']);
    expect([v3.code, v3.stdout, v3.stderr]).toEqual([
      2,
      '',
      "linewatch: --protocol-version 3: expected 5 (MQTT 5, the default, as the gateways' cloud.mqtt.protocol_version) or 4 (MQTT 3.1.1)\n",
    ]);
    expect(broker.accepted).toEqual([]);
  }, 60_000);
});
