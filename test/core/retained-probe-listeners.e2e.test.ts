/**
 * A look at a left-out topic (retained-probe.ts) on a real broker leaves nothing on the looks' long-lived stop signal:
 * each look once added an abort listener that kept its closed MQTT client alive, so memory grew with every look while a
 * retained message too large to read stayed on the broker (and Node warned at the eleventh). Found in review.
 */
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRetained } from '../../src/core/retained-probe.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
}, 30_000);
afterAll(async () => {
  await broker?.stop();
});

describe('probeRetained on the looks stop signal', () => {
  it('leaves no abort listener behind, look after look', async () => {
    const stopping = new AbortController();
    const found = [];
    for (let i = 0; i < 12; i++)
      found.push(
        await probeRetained(
          { url: broker.url },
          {
            role: { role: 'test', defaultClientId: `probe-listeners-${i}`, options: { protocolVersion: 4 } },
            filters: ['nothing/retained/#'],
            maxPacketBytes: 1024,
            timeoutMs: 5000,
            signal: stopping.signal,
          },
        ),
      );
    expect(found).toEqual(Array.from({ length: 12 }, () => undefined));
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  }, 60_000);
});
