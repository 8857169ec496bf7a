/**
 * A connection the broker accepted (a CONNACK with no refusal) and then closed before the client could use it, in
 * words. mqtt.js tells 'connect' only once it has sent again the messages it kept unacknowledged, so such a close came
 * out as "closed before accepting it (no CONNACK)", which sent the reader to check the address and the login. Most
 * often it is another client with the same client id (the broker drops the older connection: two gateways given one
 * name), or a broker that refuses what the client sends first: a message sent again at each connect, over the
 * broker's packet size limit or on a topic its ACL denies. With MQTT 5 the broker may say why (a DISCONNECT's reason
 * code). Pure, but for the resets marked as coming after a CONNACK (markResetAccepted), which connectMqtt
 * (mqtt-connection.ts) marks as it sees them.
 */
import { ReasonCodes } from 'mqtt';

/** What the connection was doing when the broker closed it, and how it was closed. */
export interface AcceptedClose {
  /** Milliseconds from the CONNACK to the close. */
  readonly afterMs: number;
  /** The client id, where another client may hold it; undefined for a random one (nobody else's). */
  readonly clientId: string | undefined;
  /** Before what: "before the client could use it", "before it answered the subscription". */
  readonly before: string;
  /** The reason code of the broker's DISCONNECT (MQTT 5), where it sent one. */
  readonly reasonCode?: number;
  /**
   * What the client sent that the broker may refuse, where it is one message ("its message on plant/t (5000 bytes)":
   * a client that publishes once); by default what it sends first at each connect, the messages it kept.
   */
  readonly sent?: string;
}

/** Why a broker closed a connection it had accepted, and what most likely made it. */
export function closedAcceptedText(close: AcceptedClose): string {
  const code = close.reasonCode;
  const name = code !== undefined ? (ReasonCodes as Record<number, string | undefined>)[code] : undefined;
  const said = code !== undefined ? ` (its reason: ${name ?? 'code'} ${code})` : '';
  const clash =
    close.clientId !== undefined
      ? `another client connected with the same client id ${close.clientId} (the broker drops the older ` +
        'connection: two gateways with one name or client_id), or '
      : '';
  const refused =
    close.sent !== undefined
      ? `the broker refuses ${close.sent}: over its packet size limit, or a topic its ACL denies`
      : 'the broker refuses what this client sends first: over its packet size limit, or a topic its ACL denies ' +
        '(messages not acknowledged are sent again at each connect)';
  return (
    `the broker accepted the connection (CONNACK), then closed it ${Math.round(close.afterMs)} ms later${said}, ` +
    `${close.before}: most likely ${clash}${refused}; see its log`
  );
}

/** Resets that came after the broker accepted the connection, and the words for them. */
const resetsAccepted = new WeakMap<Error, string>();

/** Marks `err`, a reset (ECONNRESET) of a connection the broker had accepted, with `text` (closedAcceptedText). */
export function markResetAccepted(err: Error, text: string): void {
  resetsAccepted.set(err, text);
}

/** ` (closedAcceptedText)` where `err` was marked so (markResetAccepted); '' otherwise. */
export function acceptedCloseHint(err: Error): string {
  const text = resetsAccepted.get(err);
  return text !== undefined ? ` (${text})` : '';
}
