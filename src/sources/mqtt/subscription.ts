/**
 * An MQTT source's subscription: one SUBSCRIBE for every tag's topic filter, answered within the source's timeout_ms.
 * A filter the broker refuses (a SUBACK's 0x80: its ACL), no answer in time, or the broker closing the connection first
 * (after accepting it: another client with the same id, a SUBSCRIBE over its packet size limit) rejects, naming the
 * source. Pure but for subscribeFilters.
 */
import type { ISubscriptionGrant, MqttClient } from 'mqtt';

/** The SUBACK return code of a refused filter (0x80), as mqtt.js grants it. */
const REFUSED = 128;

export interface SubscriptionTarget {
  /** The source, in errors: "mqtt broker (mqtt://host:1883)". */
  readonly label: string;
  readonly filters: readonly string[];
  readonly qos: 0 | 1 | 2;
  readonly timeoutMs: number;
}

/** The broker's refusal of some of the filters, in words; undefined where it granted them all. */
export function refusedSubscriptionText(label: string, granted: readonly ISubscriptionGrant[]): string | undefined {
  const refused = granted.filter((g) => g.qos === REFUSED).map((g) => g.topic);
  if (refused.length === 0) return undefined;
  return `${label}: the broker refused the subscription to ${refused.join(', ')} (not allowed for this user?)`;
}

/**
 * Subscribes `client` to every filter; rejects when the broker refuses one, does not answer within timeoutMs, or closes
 * the connection first (`closedText`: why, in words, where the broker had accepted it).
 */
export async function subscribeFilters(
  client: MqttClient,
  target: SubscriptionTarget,
  closedText: () => string,
): Promise<void> {
  const { label, filters, qos, timeoutMs } = target;
  let timer: NodeJS.Timeout | undefined;
  try {
    const granted = await Promise.race([
      client.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos }]))).catch((err: Error) => {
        // mqtt.js says "Connection closed": the broker closed it after accepting it (a clash, a refusal).
        const why = client.connected ? err.message : closedText();
        throw new Error(`${label}: subscribing: ${why}`, { cause: err });
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${label}: no answer to the subscription within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    const refused = refusedSubscriptionText(label, granted);
    if (refused !== undefined) throw new Error(refused);
  } finally {
    clearTimeout(timer);
  }
}
