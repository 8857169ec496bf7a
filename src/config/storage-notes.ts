/**
 * What a configuration without storage (no `storage:` section, or `storage: {}`) keeps nowhere (pure): `linewatch
 * validate` says it as a note (the configuration stays valid, exit 0) and `linewatch run` logs it as a warning when
 * its sinks are created. Not refused: a gateway that only drives alarm actions, serves its API or sends cloud
 * summaries is a deployment of its own, and a configuration valid before must stay valid. Before, such a gateway ran
 * with `"sinks": []` and said nothing.
 */
import type { Logger } from '../telemetry/logger.js';
import type { Config } from './schema.js';

/** "a, b and c". */
const list = (items: readonly string[]): string => items.join(', ').replace(/, ([^,]+)$/, ' and $1');

/** The sentence without its `note:`/`warning:` prefix; undefined where some storage is configured. */
export function noStorageNote(config: Pick<Config, 'storage' | 'cloud'>): string | undefined {
  if (Object.values(config.storage).some((section) => section !== undefined)) return undefined;
  const cloud = config.cloud.mqtt;
  const lost = ['raw samples', 'scores'];
  const sent = ['minute summaries'];
  (cloud?.publish_alarms ? sent : lost).push('alarms');
  (cloud?.publish_parts ? sent : lost).push('part results');
  const told = cloud ? `; cloud.mqtt sends only ${list(sent)}` : '';
  return (
    `no storage configured: ${list(lost)} are kept nowhere${told}, and alarm ` +
    'states start normal at each restart (no alarm journal). Add storage.local (a SQLite file on this box: ' +
    '"storage: { local: {} }") or storage.influxdb (docs/influxdb.md)'
  );
}

/** Logs the note as a warning where no storage is configured (a gateway's start). */
export function warnNoStorage(config: Pick<Config, 'storage' | 'cloud'>, logger: Logger): void {
  const unkept = noStorageNote(config);
  if (unkept) logger.warn({ component: 'storage' }, unkept);
}
