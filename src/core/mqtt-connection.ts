/**
 * The one way linewatch connects to an MQTT broker: cloud sync, release notices and the
 * `mqtt_publish` alarm action all build their client options here, so TLS (a private CA, a
 * client certificate) and credentials reach every client alike. Each client says what it is for
 * (`role`), which names it in errors and keeps its client id apart from the others' (two clients
 * with one id would keep disconnecting each other).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ConnectionFlaps, FLAP_RULE } from './connection-flaps.js';
import { boundIncomingPackets, refusedPacketText, type RefusedPacket } from './mqtt-packet-bound.js';
import { REFUSAL_BACKOFF, type RefusalBackoff, type RefusalRetry } from './mqtt-refusals.js';
import { connackRefusalCode, ReconnectPacing } from './reconnect-pacing.js';
import { closedUnacceptedText, markResetUnaccepted, protocolVersionHint } from './mqtt-version-hints.js';
import { closedAcceptedText, markResetAccepted } from './mqtt-accepted-close.js';
import { PEM_FILE_MAX_BYTES, readRegularFileSync, regularFileErrorText } from './regular-file.js';

// Where the cloud sync and the MQTT source have always found them.
export { closedUnacceptedText, protocolVersionHint };

/** How to reach and log in to a broker (cloud.mqtt, an mqtt_publish action). */
export interface MqttBroker {
  /** mqtt://host:1883 or mqtts://host:8883 */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly client_id?: string;
  /** TLS: CA bundle to trust, and a client certificate and key (PEM files). */
  readonly ca_file?: string;
  readonly cert_file?: string;
  readonly key_file?: string;
}

/** What one client adds to the broker's settings. */
export interface MqttClientRole {
  /** What the client is for, in errors: "cloud sync", "release notices", "action open-valve". */
  readonly role: string;
  /** Its client id when the broker settings give none; with a configured client_id, `idSuffix` is appended to it. */
  readonly defaultClientId: string;
  readonly idSuffix?: string;
  /** Connection behaviour (reconnect, timeouts, last will...): never TLS or credentials, which come from the broker. */
  readonly options?: Omit<IClientOptions, 'ca' | 'cert' | 'key' | 'username' | 'password' | 'clientId'>;
  /**
   * Told, in words, when the broker keeps closing the connection soon after it opens (connection-flaps.ts): most
   * often another client with the same client id.
   */
  readonly onFlapping?: (message: string) => void;
  /**
   * Its client id (the default one too) may be another client's: the cloud sync's, made of gateway.name, which a copied
   * configuration shares, and which says takeovers itself (client-id-takeovers.ts). Named, as a configured client_id
   * and a role's with `onFlapping` are, where the broker closes a connection after accepting it.
   */
  readonly idShared?: boolean;
  /**
   * The largest packet the client takes from the broker, in bytes, and who is told of one larger: its connection is
   * closed before it is read whole (mqtt-packet-bound.ts). Without it, a packet is bounded only by MQTT (256 MB).
   * With MQTT 5 (`options.protocolVersion` 5) the broker is told the bound (CONNECT's Maximum Packet Size) and drops
   * a larger packet unsent (MQTT 5 §3.1.2.11.4); the guard stays for brokers that send it anyway.
   */
  readonly incoming?: IncomingBound;
  /**
   * Told when the broker closes a connection before the client could use it, with why in words: with no CONNACK and
   * no error (a 3.1.1-only broker answers an MQTT 5 CONNECT so: closedUnacceptedText, naming `protocolSetting`), or
   * after a CONNACK, before mqtt.js's 'connect' (mqtt-accepted-close.ts: naming the client id where it is configured
   * or `onFlapping` is given, an id another client may hold). Told at each such close.
   */
  readonly onClosedUnaccepted?: (reason: string) => void;
  /**
   * Told when a connection holds after failed ones (refused packets, refused CONNACKs, closes before a CONNACK: the
   * episode is over, the reconnect period is as before), with how many there were.
   */
  readonly onHeld?: (failures: number) => void;
  /** How the delay between connects grows while they fail (reconnect-pacing.ts); REFUSAL_BACKOFF by default. */
  readonly backoff?: RefusalBackoff;
  /**
   * The setting that picks the MQTT version (a config path, or a flag: `--protocol-version`), named where the broker
   * refuses an MQTT 5 connection (mqtt-version-hints.ts): in connectMqttAsync's errors, and in the reason
   * onClosedUnaccepted is told. Without it, an error gets no hint and a close says what to check instead.
   */
  readonly protocolSetting?: string;
}

export interface IncomingBound {
  readonly maxPacketBytes: number;
  /**
   * Told once the connection is closed on a packet over the bound, with what follows (mqtt-refusals.ts): refusals of
   * the same packet in a row (a retained message sent at each reconnect) count up and the client waits longer before
   * it connects again; say the first of them.
   */
  readonly onRefused: (packet: RefusedPacket, retry: RefusalRetry) => void;
}

function readPem(broker: MqttBroker, key: 'ca_file' | 'cert_file' | 'key_file', role: string): Buffer | undefined {
  const path = broker[key];
  if (path === undefined) return undefined;
  try {
    return readRegularFileSync(path, PEM_FILE_MAX_BYTES);
  } catch (err) {
    throw new Error(`${role}: ${key} ${path} cannot be read (${regularFileErrorText(err)})`, { cause: err });
  }
}

/** The client options for a broker and a role; throws, naming the file, when a TLS file cannot be read. */
export function mqttClientOptions(broker: MqttBroker, client: MqttClientRole): IClientOptions {
  const ca = readPem(broker, 'ca_file', client.role);
  const cert = readPem(broker, 'cert_file', client.role);
  const key = readPem(broker, 'key_file', client.role);
  if ((cert === undefined) !== (key === undefined))
    throw new Error(`${client.role}: cert_file and key_file go together (a client certificate needs its key)`);
  const bound = client.incoming?.maxPacketBytes;
  const options = client.options ?? {};
  return {
    ...options,
    ...(options.protocolVersion === 5 && bound !== undefined
      ? { properties: { ...options.properties, maximumPacketSize: bound } }
      : {}),
    clientId: broker.client_id !== undefined ? `${broker.client_id}${client.idSuffix ?? ''}` : client.defaultClientId,
    ...(broker.username !== undefined ? { username: broker.username } : {}),
    ...(broker.password !== undefined ? { password: broker.password } : {}),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
  };
}

/** Node's codes for a broker certificate that no trusted CA signed. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/**
 * A broker client's error in words: a broker certificate that is not trusted says which ca_file
 * did not vouch for it (OpenSSL alone says "self-signed certificate in certificate chain").
 */
export function brokerErrorText(err: Error, broker: MqttBroker): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined || !UNTRUSTED_CERTIFICATE.has(code)) return err.message;
  const trusted =
    broker.ca_file !== undefined
      ? `ca_file ${broker.ca_file} holds no CA that signed it`
      : 'no ca_file is set, and no CA of the system signed it';
  return `the broker's TLS certificate is not trusted: ${trusted} (${err.message})`;
}

/**
 * A client that connects (and reconnects, as its options say) in the background. Where it reconnects, a connection the
 * broker refused (a CONNACK with a refusal code: mqtt.js alone would stop there for good), closed before accepting it,
 * or that this client closed on a packet over its bound, is tried again later each time (reconnect-pacing.ts).
 */
export function connectMqtt(broker: MqttBroker, client: MqttClientRole): MqttClient {
  const options = mqttClientOptions(broker, client);
  const reconnects = (options.reconnectPeriod ?? 1000) > 0;
  const connection = mqtt.connect(broker.url, {
    ...options,
    ...(reconnects && options.reconnectOnConnackError === undefined ? { reconnectOnConnackError: true } : {}),
  });
  const pacing = new ReconnectPacing(connection, client.backoff ?? REFUSAL_BACKOFF, (failures) =>
    client.onHeld?.(failures),
  );
  // Before the caller's listeners: the next connect's delay is set when the caller is told (and before mqtt.js reads
  // it).
  connection.on('error', (err) => {
    const code = connackRefusalCode(err);
    if (code !== undefined) pacing.failed(`connack ${code}`);
  });
  /** The connection closing now was closed by the bound (told before the client's 'close'). */
  let refusedClose = false;
  if (client.incoming) {
    const { maxPacketBytes, onRefused } = client.incoming;
    boundIncomingPackets(connection, maxPacketBytes, (packet) => {
      refusedClose = true;
      onRefused(packet, pacing.failed(packet));
    });
  }
  watchClosedUnaccepted(
    connection,
    () => refusedClose,
    // Another client may hold a configured id, or one a role says can be taken over (onFlapping, idShared); not a
    // random one.
    broker.client_id !== undefined || client.onFlapping || client.idShared ? options.clientId : undefined,
    (accepted) => {
      pacing.failed('closed unaccepted');
      client.onClosedUnaccepted?.(accepted ?? closedUnacceptedText(options.protocolVersion, client.protocolSetting));
    },
    // Its error says why (protocolVersionHint, acceptedCloseHint): paced as a close, not told twice.
    () => pacing.failed('closed unaccepted'),
  );
  const tell = client.onFlapping;
  if (tell) {
    const flaps = new ConnectionFlaps();
    connection.on('connect', () => flaps.opened());
    connection.on('close', () => {
      // A connection this client closed on a packet is no sign of another client with its id.
      if (!refusedClose && flaps.closed()) tell(flappingText(broker, client, options.clientId!));
      refusedClose = false;
    });
  } else connection.on('close', () => (refusedClose = false));
  return connection;
}

/**
 * Calls `closed` when a connection closes before the client could use it (mqtt.js's 'connect'), with no error since
 * the last close, unless this client closed it (ended, or on a refused packet): with undefined where no CONNACK came,
 * with closedAcceptedText where the broker had accepted it (mqtt.js tells 'connect' only once the messages it kept
 * unacknowledged are sent again). An error (a refused TCP connect, a CONNACK with a refusal code, the connect timeout)
 * says why by itself; a reset before mqtt.js's 'connect' is marked, for protocolVersionHint where no CONNACK came
 * (markResetUnaccepted), for acceptedCloseHint after one (markResetAccepted), and calls `reset` (before the caller's
 * 'error' listeners). Runs before mqtt.js's own 'close' listener, so before its 'offline'.
 */
function watchClosedUnaccepted(
  connection: MqttClient,
  refusedClose: () => boolean,
  /** The client id, where another client may hold it (named in closedAcceptedText). */
  clientId: string | undefined,
  closed: (accepted: string | undefined) => void,
  reset: () => void,
): void {
  /** When the broker accepted the connection (a CONNACK with no refusal; performance.now()). */
  let acceptedAt: number | undefined;
  /** The reason code of the broker's DISCONNECT (MQTT 5), where it sent one. */
  let reasonCode: number | undefined;
  let usable = false;
  let errored = false;
  connection.on('packetreceive', (packet) => {
    if (packet.cmd === 'connack' && (packet.reasonCode ?? packet.returnCode ?? 0) === 0) acceptedAt = performance.now();
    else if (packet.cmd === 'disconnect') reasonCode = packet.reasonCode;
  });
  const acceptedClose = (at: number) =>
    closedAcceptedText({
      afterMs: performance.now() - at,
      clientId,
      before: 'before the client could use it',
      ...(reasonCode !== undefined ? { reasonCode } : {}),
    });
  connection.on('connect', () => (usable = true));
  connection.on('error', (err) => {
    if (!errored && !usable) {
      if (markResetUnaccepted(err, acceptedAt !== undefined)) reset();
      else if (acceptedAt !== undefined && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
        markResetAccepted(err, acceptedClose(acceptedAt));
        reset();
      }
    }
    errored = true;
  });
  connection.prependListener('close', () => {
    if (!usable && !errored && !refusedClose() && !connection.disconnecting)
      closed(acceptedAt !== undefined ? acceptedClose(acceptedAt) : undefined);
    acceptedAt = undefined;
    reasonCode = undefined;
    usable = false;
    errored = false;
  });
}

/** What a connection the broker keeps closing most likely means, and what to do. */
export function flappingText(broker: MqttBroker, client: MqttClientRole, clientId: string): string {
  const { shortMs, times } = FLAP_RULE;
  const setting = broker.client_id !== undefined ? 'client_id' : 'gateway.name, which the client id is made of';
  return (
    `${client.role}: broker ${broker.url} closed the connection ${times} times in a row within ${shortMs / 1000} s ` +
    `of opening it: most likely another client connects with the same client id ${clientId} (two gateways with one ` +
    `${setting}), and each takes the connection from the other; give each its own. Otherwise the broker restarts ` +
    'again and again, or refuses something this client does: see its log'
  );
}

/**
 * A client, once connected. Rejects when the first connection fails (in brokerErrorText's words, and where the broker
 * refused MQTT 5, protocolVersionHint's naming `protocolSetting`), when it closes before the broker accepts it
 * (closedUnacceptedText), or when the broker sends a packet over `incoming`'s bound before it accepts the connection.
 * As mqtt.connectAsync with no retries, with the bound on the packets read from the first byte.
 */
export async function connectMqttAsync(broker: MqttBroker, client: MqttClientRole): Promise<MqttClient> {
  const options = mqttClientOptions(broker, client);
  const connection = mqtt.connect(broker.url, options);
  let refused: ((packet: RefusedPacket) => void) | undefined;
  if (client.incoming) {
    const { maxPacketBytes, onRefused } = client.incoming;
    // It does not reconnect (nor back off): the first refusal ends it.
    boundIncomingPackets(connection, maxPacketBytes, (packet) => {
      refused?.(packet);
      onRefused(packet, { count: 1, delayMs: undefined });
    });
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        refused = undefined;
        connection.off('connect', done);
        connection.off('end', done);
        connection.off('error', failed);
        connection.off('close', closed);
        if (!err) return resolve();
        connection.end();
        reject(err);
      };
      const done = () => settle();
      const failed = (err: Error) => {
        markResetUnaccepted(err, false); // not accepted yet: this is settled at the CONNACK
        settle(err);
      };
      // Closed with no CONNACK and no error (a broker that refuses by closing, a port that speaks no MQTT): mqtt.js
      // clears its connect timeout at the close, so without this the first connection would be awaited for ever.
      const closed = () => settle(new Error(closedUnacceptedText(options.protocolVersion, client.protocolSetting)));
      refused = (packet) =>
        settle(
          new Error(`sent ${refusedPacketText(packet)}, over the ${client.incoming!.maxPacketBytes} bytes it may`),
        );
      connection.on('connect', done);
      connection.on('end', done);
      connection.on('error', failed);
      connection.on('close', closed);
    });
  } catch (err) {
    const hint = client.protocolSetting
      ? protocolVersionHint(err as Error, options.protocolVersion, client.protocolSetting)
      : '';
    throw new Error(`${brokerErrorText(err as Error, broker)}${hint}`, { cause: err });
  }
  return connection;
}
