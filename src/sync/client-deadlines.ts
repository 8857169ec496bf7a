/**
 * An MQTT client's publish and end, each within a deadline: a broker gone silent (a link that holds the connection but
 * forwards nothing) acknowledges nothing, and would keep a batch, a goodbye or a stop waiting for good.
 */
import type { MqttClient } from 'mqtt';

/**
 * Publishes at QoS 1; rejects when no PUBACK comes within `timeoutMs`, or as soon as `stopping` aborts (a stop whose
 * time for the broker is up: a publish in flight then waits no longer).
 */
export async function publishWithin(
  client: MqttClient,
  topic: string,
  body: string,
  retain: boolean,
  timeoutMs: number,
  stopping?: AbortSignal,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      client.publishAsync(topic, body, { qos: 1, retain }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PUBACK within ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
        onAbort = () => reject(new Error('no PUBACK before the stop'));
        if (stopping?.aborted) onAbort();
        else stopping?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) stopping?.removeEventListener('abort', onAbort);
  }
}

/**
 * Ends the client: a plain end (a DISCONNECT, so no last will) waits until every publish in flight is acknowledged,
 * which a broker gone silent never does; after `timeoutMs` the client is ended at once.
 */
export async function endWithin(client: MqttClient, timeoutMs: number): Promise<void> {
  if (timeoutMs <= 0) {
    await client.endAsync(true).catch(() => undefined);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    client.endAsync().then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!ended) await client.endAsync(true).catch(() => undefined);
}
