/**
 * The size of a publish packet (mqtt-broker-limit.ts), as MQTT counts it: the remaining length's own bytes grow at 128
 * and 16,384, the topic counts in UTF-8 bytes, QoS 1 and 2 add a packet id, MQTT 5 an empty property length. The
 * real broker's boundary (a message of exactly its limit goes, one byte more is refused) is mqtt-broker-limit.e2e's.
 */
import { describe, expect, it } from 'vitest';
import { publishPacketBytes } from '../../src/core/mqtt-broker-limit.js';

describe('publishPacketBytes', () => {
  it.each([
    ['t', 0, 0, 4, 5],
    ['t', 0, 1, 5, 8],
    ['t', 0, 2, 4, 7],
    ['é', 0, 0, 4, 6],
    ['t', 124, 0, 4, 129],
    ['t', 125, 0, 4, 131],
    ['t', 16_380, 0, 4, 16_386],
    ['t', 16_381, 0, 4, 16_388],
  ] as const)('topic %s, %i payload bytes, QoS %i, MQTT %i: %i bytes', (topic, payload, qos, version, bytes) => {
    expect(publishPacketBytes(topic, payload, qos, version)).toBe(bytes);
  });
});
