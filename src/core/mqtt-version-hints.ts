/**
 * What a broker's refusal of a connection says about the client's MQTT version, in words: a 3.1.1-only broker answers
 * an MQTT 5 CONNECT with a CONNACK refusing the version, by closing the connection unanswered, or by resetting it.
 * Each text names the setting that connects with 3.1.1: a config path (`set cloud.mqtt.protocol_version: 4`) or a
 * command's flag (`pass --protocol-version 4`). Pure, but for the errors marked as a reset before a CONNACK
 * (markResetUnaccepted), which connectMqtt and connectMqttAsync (mqtt-connection.ts) mark as they see them.
 */

/** How to connect with MQTT 3.1.1 where `setting` picks the version: a flag (`--x`) or a config path. */
export function useVersion4(setting: string): string {
  return setting.startsWith('--') ? `pass ${setting} 4` : `set ${setting}: 4`;
}

const CLOSED = 'the broker closed the connection before accepting it (no CONNACK)';

/** What a 3.1.1-only broker does to an MQTT 5 connection (`closes`, `resets`), and the setting that avoids it. */
function withoutMqtt5(does: string, setting: string): string {
  return `a broker without MQTT 5 ${does} it so; ${useVersion4(setting)} if it does not speak MQTT 5`;
}

/** Errors that were a reset of the connection before the broker accepted it (no CONNACK). */
const resetsUnaccepted = new WeakSet<Error>();

/**
 * Marks `err` where it is a reset of a connection the broker had not accepted yet (ECONNRESET before a CONNACK: some
 * 3.1.1-only brokers answer an MQTT 5 CONNECT so), for protocolVersionHint; says whether it is one.
 */
export function markResetUnaccepted(err: Error, accepted: boolean): boolean {
  if (accepted || (err as NodeJS.ErrnoException).code !== 'ECONNRESET') return false;
  resetsUnaccepted.add(err);
  return true;
}

/**
 * Why a broker closed a connection it did not accept (no CONNACK, no error). Where the client spoke MQTT 5 and a
 * setting picks the version, which one connects with 3.1.1 (a broker without MQTT 5 may close the connection rather
 * than refuse the version); otherwise what to check.
 */
export function closedUnacceptedText(protocolVersion: number | undefined, setting?: string): string {
  if (protocolVersion === 5 && setting !== undefined) return `${CLOSED}: ${withoutMqtt5('closes', setting)}`;
  return `${CLOSED}: is it an MQTT broker at this address, and does it take this client's login and MQTT version? See its log`;
}

/**
 * Where a broker refused the connection for its MQTT version (a 3.1.1-only broker answers MQTT 5 so), or reset an
 * MQTT 5 connection before accepting it (markResetUnaccepted): which setting connects with 3.1.1. '' otherwise.
 */
export function protocolVersionHint(err: Error, protocolVersion: number | undefined, setting: string): string {
  if (protocolVersion !== 5) return '';
  if (resetsUnaccepted.has(err))
    return ` (the broker reset the connection before accepting it, no CONNACK: ${withoutMqtt5('resets', setting)})`;
  return /protocol version/i.test(err.message) ? ` (the broker does not speak MQTT 5: ${useVersion4(setting)})` : '';
}
