/**
 * What `linewatch validate`, a start and `run --once` say of a valid configuration that is likely not what was meant
 * (pure but for the log): sources whose asset is not scored (unscored-assets.ts), then each source type's own warnings
 * (a Modbus address that looks like a Modicon reference), then an API beyond loopback that answers any Host. Said,
 * never refused: each may be deliberate.
 */
import { isLoopbackHost } from '../core/loopback.js';
import { sourceType } from '../registry/components.js';
import type { Logger } from '../telemetry/logger.js';
import type { Config } from './schema.js';
import { unscoredAssetNotes, type ConfigNote } from './unscored-assets.js';

export type { ConfigNote } from './unscored-assets.js';

/** What configNotes reads: `http` where there is one (an API beyond loopback with any Host is a warning). */
type Noted = Pick<Config, 'sources' | 'assets'> & { readonly http?: Config['http'] };

export function configNotes(config: Noted): ConfigNote[] {
  const warnings = config.sources.flatMap((source, si) =>
    (sourceType(source.type).warnings?.(source, `sources[${si}]`) ?? []).map((text): ConfigNote => ({
      level: 'warning',
      text,
    })),
  );
  const anyHost = config.http && anyHostWarning(config.http);
  return [...unscoredAssetNotes(config), ...warnings, ...(anyHost ? [anyHost] : [])];
}

/**
 * An API beyond loopback without http.allowed_hosts answers any Host header (as before the key came): a web page on
 * the plant network that points its own name at the gateway (DNS rebinding) reads /healthz, /readyz and /metrics (the
 * sources' issues with device addresses, every alarm's state), and the /api/ reads where public_reads is set.
 */
function anyHostWarning(http: Config['http']): ConfigNote | undefined {
  if (!http.enabled || isLoopbackHost(http.host) || http.allowed_hosts) return undefined;
  return {
    level: 'warning',
    text:
      `http.host: ${http.host} answers requests under any Host header: a web page opened on the plant network can ` +
      "point its own name at this gateway's address (DNS rebinding) and read /healthz, /readyz and /metrics" +
      `${http.public_reads ? ' and, with public_reads, /api/' : ''}; set http.allowed_hosts to the names and ` +
      'addresses clients reach the API by (loopback names are always answered)',
  };
}

/** Logs each note at a start: a warning as a warning, a note as info. */
export function logConfigNotes(config: Noted, logger: Logger): void {
  for (const note of configNotes(config))
    if (note.level === 'warning') logger.warn({ component: 'config' }, note.text);
    else logger.info({ component: 'config' }, note.text);
}
