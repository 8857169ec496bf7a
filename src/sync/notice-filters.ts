/**
 * The release notices' subscription, and what it does about a retained notice too large to read (pure). The client
 * subscribes to every model's notices, `<prefix>/releases/+`. On MQTT 3.1.1 a retained message over
 * cloud.mqtt.max_incoming_bytes on one of those topics closes the connection at each subscription (the broker cannot
 * be told the bound), so no notice would ever arrive: then the wildcard is left out (core/oversize-retained.ts) and
 * the client subscribes to the topics of the models this gateway runs, one each, but those that hold such a message
 * too; the wildcard (and a model's topic) comes back once a look on a connection of its own finds it cleared
 * (core/left-out-looks.ts), as an MQTT source's topics do.
 */
import { retryApart, shownTime, type LeftOut, type LeftOutRetry } from '../core/oversize-retained.js';

/** Every model's notices. */
export const allNotices = (prefix: string): string => `${prefix}/releases/+`;

/**
 * The filters the client may subscribe to: every model's, then each model's this gateway runs (those a topic can
 * name: a name with a wildcard or a level separator cannot be subscribed to alone, and its notices come by the
 * wildcard only).
 */
export function noticeFilters(prefix: string, models: readonly string[]): string[] {
  const own = models.filter((m) => m !== '' && !/[+#/]/.test(m)).map((m) => `${prefix}/releases/${m}`);
  return [...new Set([allNotices(prefix), ...own])];
}

/** Of the filters not left out, those to subscribe to: every model's where it stands, else each model's. */
export function subscribedNotices(prefix: string, notLeftOut: readonly string[]): string[] {
  const all = allNotices(prefix);
  return notLeftOut.includes(all) ? [all] : [...notLeftOut];
}

/** What is left out for a notice too large to read, what comes instead, and when it is looked at again. */
export function leftOutNoticesText(left: LeftOut, subscribed: readonly string[], retry: LeftOutRetry): string {
  const instead =
    subscribed.length > 0 ? `the notices come by ${subscribed.join(', ')} meanwhile` : 'no notice comes meanwhile';
  return (
    `${left.filters.join(', ')} no longer subscribed, so the connection holds: ${instead}; looked at again on a ` +
    `connection of its own at ${shownTime(left.nextTryAt)} (later each time it is still there, up to ` +
    `${retryApart(retry)} apart), and subscribed again once it is cleared`
  );
}
