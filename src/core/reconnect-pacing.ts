/**
 * The pace of a reconnecting client's connects while each one fails: closed on a packet over its incoming bound,
 * refused by the broker (a CONNACK with a refusal code: a login it does not take, a client id it rejects, "server
 * unavailable"), or closed before the broker accepted it. One episode (mqtt-refusals.ts) counts them all: the
 * reconnect period doubles from the client's own up to the backoff's most (mqtt.js reads it when it sets up the next
 * connect, after the failure was told), and once a connection holds `holdMs` it is as before and `onHeld` is told how
 * many failures there were.
 */
import type { MqttClient } from 'mqtt';
import { REFUSAL_BACKOFF, RefusalEpisode, type RefusalBackoff, type RefusalRetry } from './mqtt-refusals.js';
import type { RefusedPacket } from './mqtt-packet-bound.js';

export class ReconnectPacing {
  private readonly episode: RefusalEpisode;
  private readonly reconnectMs: number;
  private holding: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: MqttClient,
    private readonly backoff: RefusalBackoff,
    onHeld: (failures: number) => void,
  ) {
    this.reconnectMs = connection.options.reconnectPeriod ?? 1000;
    this.episode = new RefusalEpisode(this.reconnectMs, backoff);
    connection.on('connect', () => {
      clearTimeout(this.holding);
      if (!this.episode.active) return;
      this.holding = setTimeout(() => {
        connection.options.reconnectPeriod = this.reconnectMs;
        onHeld(this.episode.held());
      }, backoff.holdMs);
      this.holding.unref();
    });
    connection.on('close', () => clearTimeout(this.holding));
  }

  /** A connection failed (a refused packet, or a string naming another failure): the next connect waits longer. */
  failed(what: RefusedPacket | string): RefusalRetry {
    const retry = this.episode.refused(what);
    if (retry.delayMs !== undefined) this.connection.options.reconnectPeriod = Math.round(retry.delayMs);
    return retry;
  }
}

/** The reason code of a broker's refusal of the connection (a CONNACK with a refusal code); undefined otherwise. */
export function connackRefusalCode(err: Error): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && err.message.startsWith('Connection refused') ? code : undefined;
}

/** What to check where a broker refused the connection, by its reason code (MQTT 3.1.1 §3.2.2.3, MQTT 5 §3.2.2.2). */
export function connackRefusalAdvice(code: number): string {
  if (code === 4 || code === 5 || code === 0x86 || code === 0x87 || code === 0x8c)
    return 'check the username and password, and that the broker has this user and lets it connect (its ACL)';
  if (code === 2 || code === 0x85) return 'check the client id: the broker rejects it (client_id, gateway.name)';
  if (code === 3 || code === 0x88 || code === 0x89 || code === 0x97 || code === 0x9f)
    return 'the broker is unavailable or busy for now';
  if (code === 1 || code === 0x84) return ''; // the MQTT version: protocolVersionHint (mqtt-version-hints.ts) says which setting
  return "see the broker's log";
}

/**
 * After a broker's refusal of the connection in words: what to check, and that the client tries again later each time
 * (stable words, so a refusal repeated at each connect reads the same and is said once). '' for another error.
 */
export function connackRefusalText(err: Error, backoff: RefusalBackoff = REFUSAL_BACKOFF): string {
  const code = connackRefusalCode(err);
  if (code === undefined) return '';
  const advice = connackRefusalAdvice(code);
  return (
    `${advice === '' ? '' : `: ${advice}`}; the client connects again later each time while the broker refuses ` +
    `(up to ${Math.round(backoff.maxMs / 1000)} s apart)`
  );
}
