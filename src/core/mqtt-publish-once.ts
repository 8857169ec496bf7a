/**
 * One message on a connection of its own, for a client that publishes once and ends (an mqtt_publish action,
 * `linewatch model publish`): no client-side queue that could send it again later. The broker sends such a client
 * acknowledgements only, so its incoming bound is small, from the first byte (connectMqttAsync); a larger packet
 * closes the connection unread and fails the publish, naming it.
 */
import { connectMqttAsync, type MqttBroker, type MqttClientRole } from './mqtt-connection.js';
import { refusedPacketText, type RefusedPacket } from './mqtt-packet-bound.js';

/** What tells a publish of each QoS done: written (0), PUBACK (1), PUBCOMP (2). */
const ACK = ['write', 'PUBACK', 'PUBCOMP'] as const;

export interface OneMessage {
  readonly topic: string;
  readonly payload: string | Buffer;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
}

export interface OnePublisher extends Omit<MqttClientRole, 'incoming' | 'onFlapping'> {
  /** The largest packet taken from the broker, and whose it is in errors ("an action's connection"). */
  readonly maxIncomingBytes: number;
  readonly boundOf: string;
  /** How long the connection, and then the acknowledgement (QoS 1 and 2), may take. */
  readonly timeoutMs: number;
}

/**
 * Connects, publishes `message`, ends. Rejects when the connection fails (brokerErrorText's words), when the broker
 * sends a packet over the bound (`the broker sent a publish on x of N bytes, over the M bytes <boundOf> takes: closed
 * unread`), or when no acknowledgement comes within timeoutMs.
 */
export async function publishOnce(broker: MqttBroker, publisher: OnePublisher, message: OneMessage): Promise<void> {
  const { maxIncomingBytes, boundOf, timeoutMs, ...role } = publisher;
  const overBound = (packet: RefusedPacket) =>
    new Error(
      `the broker sent ${refusedPacketText(packet)}, over the ${maxIncomingBytes} bytes ${boundOf} takes: closed unread`,
    );
  // A refusal may come as the client connects (in the read that brought the CONNACK): kept until it is awaited.
  let early: RefusedPacket | undefined;
  let refused: (packet: RefusedPacket) => void = (packet) => (early = packet);
  const client = await connectMqttAsync(broker, {
    ...role,
    options: { ...role.options, connectTimeout: timeoutMs, reconnectPeriod: 0 },
    incoming: { maxPacketBytes: maxIncomingBytes, onRefused: (packet) => refused(packet) },
  });
  let timer: NodeJS.Timeout | undefined;
  let acknowledged = false;
  let lost: (() => void) | undefined;
  try {
    await Promise.race([
      client.publishAsync(message.topic, message.payload, { qos: message.qos, retain: message.retain }),
      // It does not reconnect: a connection lost before the acknowledgement fails the publish now, not at the timeout.
      new Promise((_, reject) => {
        lost = () => reject(new Error(`the broker closed the connection before its ${ACK[message.qos]}`));
        client.once('close', lost);
      }),
      new Promise((_, reject) => {
        if (early) reject(overBound(early));
        refused = (packet) => reject(overBound(packet));
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PUBACK within ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
      }),
    ]);
    acknowledged = true;
  } finally {
    clearTimeout(timer);
    if (lost) client.off('close', lost);
    // A DISCONNECT once it is done (nothing in flight); else the connection is dropped, not waited on.
    await client.endAsync(!acknowledged).catch(() => undefined);
  }
}
