/**
 * A look at what a broker retains on some topic filters, on a short connection of its own (a clean session, its own
 * client id), so a retained message too large to read closes that connection and not the one a client's other
 * topics come by (oversize-retained.ts). It subscribes at QoS 0 and unsubscribes: a broker handles a client's packets
 * in order and sends the retained messages of a subscription before it answers the next packet (mosquitto sends them
 * with the SUBACK, before it reads on), so once the UNSUBACK is in, every retained message has come or closed the
 * connection. Nothing is read of what comes: a retained message within the bound is let go.
 */
import type { MqttClient } from 'mqtt';
import { connectMqttAsync, type MqttBroker, type MqttClientRole } from './mqtt-connection.js';
import type { RefusedPacket } from './mqtt-packet-bound.js';

export interface RetainedProbe {
  /** The client's role, with its own client id (`idSuffix`, `defaultClientId`) and its MQTT version in `options`. */
  readonly role: Omit<MqttClientRole, 'incoming'>;
  readonly filters: readonly string[];
  /** The bound of the client it looks for: a packet over it is what it finds. */
  readonly maxPacketBytes: number;
  /** The most it waits for the connection and for each answer. */
  readonly timeoutMs: number;
  /** Ends the look (a stop): a connection made is closed at once, one being made once it is (within timeoutMs). */
  readonly signal?: AbortSignal;
}

/**
 * Resolves with the first packet over the bound the broker sent on a subscription to `filters` (a retained one: its
 * `retained` set), or undefined where none came; rejects where it could not tell (no broker, refused, no answer).
 */
export async function probeRetained(broker: MqttBroker, probe: RetainedProbe): Promise<RefusedPacket | undefined> {
  const { role, filters, maxPacketBytes, timeoutMs, signal } = probe;
  const failed = (err: Error) => new Error(`${role.role}: looking at ${filters.join(', ')}: ${err.message}`);
  let found: RefusedPacket | undefined;
  let client: MqttClient;
  try {
    client = await connectMqttAsync(broker, {
      ...role,
      options: { ...role.options, clean: true, reconnectPeriod: 0, connectTimeout: timeoutMs },
      incoming: { maxPacketBytes, onRefused: (packet) => (found = packet) },
    });
  } catch (err) {
    if (found) return found; // sent before the CONNACK was read
    throw failed(err as Error);
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const c = client;
  try {
    const topics = [...filters];
    const cut = new Promise<never>((_, reject) => {
      c.once('close', () => reject(new Error('the broker closed the connection')));
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      if (signal?.aborted) reject(new Error('stopped'));
      onAbort = () => reject(new Error('stopped'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    cut.catch(() => undefined);
    await Promise.race([c.subscribeAsync(topics, { qos: 0 }), cut]);
    await Promise.race([c.unsubscribeAsync(topics), cut]);
  } catch (err) {
    if (!found) throw failed(err as Error);
  } finally {
    clearTimeout(timer);
    // The signal lives as long as the looks: a listener left on it would keep each look's closed client alive.
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await c.endAsync(true).catch(() => undefined);
  }
  return found;
}
