/**
 * One message on a connection of its own, for a client that publishes once and ends (an mqtt_publish action,
 * `linewatch model publish`): no client-side queue that could send it again later. The broker sends such a client
 * acknowledgements only, so its incoming bound is small, from the first byte (connectMqttAsync); a larger packet
 * closes the connection unread and fails the publish, naming it.
 */
import type { Packet } from 'mqtt';
import { closedAcceptedText } from './mqtt-accepted-close.js';
import { overBrokerLimit } from './mqtt-broker-limit.js';
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

export interface OnePublisher extends Omit<MqttClientRole, 'incoming' | 'onFlapping' | 'idShared'> {
  /** The largest packet taken from the broker, and whose it is in errors ("an action's connection"). */
  readonly maxIncomingBytes: number;
  readonly boundOf: string;
  /** How long the connection, and then the acknowledgement (QoS 1 and 2), may take. */
  readonly timeoutMs: number;
}

/**
 * Connects, publishes `message`, ends. Rejects when the connection fails (brokerErrorText's words), when the message is
 * over the packet limit the broker said in its CONNACK (MQTT 5: OverBrokerLimit, naming the topic, the size and the
 * limit; not sent, so a QoS 0 message the broker would drop is not taken for published), when the broker
 * sends a packet over the bound (`the broker sent a publish on x of N bytes, over the M bytes <boundOf> takes: closed
 * unread`), when the broker closes the connection before the acknowledgement (closedAcceptedText: the broker accepted
 * the connection, then closed it, with its reason where MQTT 5 gives one, and the likely causes), or when no
 * acknowledgement comes within timeoutMs.
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
  // When the broker accepted the connection: with no kept message to send again (a fresh client), mqtt.js tells
  // 'connect' within ticks of the CONNACK, so the broker's close comes after it, never as connectMqttAsync's "no
  // CONNACK" (measured: 120 closes and resets sent with the CONNACK itself, 398 takeovers of the client id on
  // mosquitto 2.0.11).
  const acceptedAt = performance.now();
  const over = overBrokerLimit(client, message.topic, message.payload, message.qos);
  if (over) {
    await client.endAsync().catch(() => undefined);
    throw over;
  }
  let reasonCode: number | undefined;
  const onPacket = (packet: Packet) => {
    if (packet.cmd === 'disconnect') reasonCode = packet.reasonCode;
  };
  client.on('packetreceive', onPacket);
  const bytes = Buffer.byteLength(message.payload);
  const closedText = () =>
    closedAcceptedText({
      afterMs: performance.now() - acceptedAt,
      // Another client may hold a configured id; not the role's own (random, or the process's).
      clientId: broker.client_id !== undefined ? client.options.clientId : undefined,
      before: `before its ${ACK[message.qos]}`,
      sent: `its message on ${message.topic} (${bytes} byte${bytes === 1 ? '' : 's'})`,
      ...(reasonCode !== undefined ? { reasonCode } : {}),
    });
  let timer: NodeJS.Timeout | undefined;
  let acknowledged = false;
  let lost: (() => void) | undefined;
  try {
    await Promise.race([
      client.publishAsync(message.topic, message.payload, { qos: message.qos, retain: message.retain }),
      // It does not reconnect: a connection lost before the acknowledgement fails the publish now, not at the timeout.
      new Promise((_, reject) => {
        lost = () => reject(new Error(closedText()));
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
    client.off('packetreceive', onPacket);
    // A DISCONNECT once it is done (nothing in flight); else the connection is dropped, not waited on.
    await client.endAsync(!acknowledged).catch(() => undefined);
  }
}
