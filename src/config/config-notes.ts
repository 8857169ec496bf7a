/**
 * What `linewatch validate`, a start and `run --once` say of a valid configuration that is likely not what was meant
 * (pure but for the log): sources whose asset is not scored (unscored-assets.ts), then each source type's own warnings
 * (a Modbus address that looks like a Modicon reference). Said, never refused: each may be deliberate.
 */
import { sourceType } from '../registry/components.js';
import type { Logger } from '../telemetry/logger.js';
import type { Config } from './schema.js';
import { unscoredAssetNotes, type ConfigNote } from './unscored-assets.js';

export type { ConfigNote } from './unscored-assets.js';

export function configNotes(config: Pick<Config, 'sources' | 'assets'>): ConfigNote[] {
  const warnings = config.sources.flatMap((source, si) =>
    (sourceType(source.type).warnings?.(source, `sources[${si}]`) ?? []).map((text): ConfigNote => ({
      level: 'warning',
      text,
    })),
  );
  return [...unscoredAssetNotes(config), ...warnings];
}

/** Logs each note at a start: a warning as a warning, a note as info. */
export function logConfigNotes(config: Pick<Config, 'sources' | 'assets'>, logger: Logger): void {
  for (const note of configNotes(config))
    if (note.level === 'warning') logger.warn({ component: 'config' }, note.text);
    else logger.info({ component: 'config' }, note.text);
}
