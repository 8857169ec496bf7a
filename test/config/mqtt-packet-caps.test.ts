/**
 * The bounds on MQTT packets (an MQTT source's max_payload_bytes, cloud.mqtt.max_incoming_bytes) stop at MQTT's
 * largest packet. Regression: one above it was refused with a bare number ("Too big: expected number to be
 * <=268435455"), which did not say why; now the error names the setting's path and the reason.
 */
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../helpers/config-issues.js';

const WHY =
  "Too big: expected at most 268435455 bytes, MQTT's largest packet (256 MiB minus one byte): no MQTT packet is " +
  'larger, so a larger bound bounds nothing';

/** A config with cloud.mqtt and an MQTT source, `cloud` and `source` lines added to each. */
function config(cloud: string, source: string): string {
  return `
cloud:
  mqtt:
    url: mqtt://broker:1883
${cloud}
sources:
  - name: hub
    type: mqtt
    url: mqtt://broker:1883
    asset: tank-1
    tags: [{ channel: level, topic: plant/tank-1 }]
${source}
`;
}

describe("bounds on MQTT packets above MQTT's largest", () => {
  it.each([268_435_456, 5_000_000_000])('%i is refused naming the setting and why', async (bytes) => {
    expect(await issuesOf(config(`    max_incoming_bytes: ${bytes}`, `    max_payload_bytes: ${bytes}`))).toEqual([
      `sources[0].max_payload_bytes: ${WHY}`,
      `cloud.mqtt.max_incoming_bytes: ${WHY}`,
    ]);
  });

  it("MQTT's largest itself is taken", async () => {
    const max = 268_435_455;
    const taken = await accepted(config(`    max_incoming_bytes: ${max}`, `    max_payload_bytes: ${max}`));
    expect([taken.cloud.mqtt?.max_incoming_bytes, taken.sources[0]]).toEqual([
      max,
      expect.objectContaining({ max_payload_bytes: max }),
    ]);
  });
});
