/**
 * Sources whose asset is no entry under `assets` (pure): their channels are recorded, not scored. Not refused: a
 * source without a scored asset is the "record first, then export and train" route (docs/models.md), but a typo
 * (`asset: pres` for `press`) looks the same, and then nothing is scored without a word. `linewatch validate`, a start
 * and `run --once` say it: a warning where a configured asset's name is that near (did you mean …?), else a note; a
 * configuration without assets gets one note that the gateway records only. Where the typo leaves a configured asset
 * with no channel at all, the loader's refusal names the source that likely meant it (misnamedFor).
 */
import { nearestName } from '../core/nearest-name.js';
import { sourceType } from '../registry/components.js';
import type { Config } from './schema.js';

/** Something valid said about a configuration: a warning (likely a mistake) or a note. */
export interface ConfigNote {
  readonly level: 'warning' | 'note';
  readonly text: string;
}

/** A source's (or a Modbus device's) asset that is no configured asset: where it is named, and the one it is near. */
interface UnscoredFeed {
  /** `sources[i].asset`, `sources[i].devices[j].asset`. */
  readonly at: string;
  readonly asset: string;
  readonly meant: string | undefined;
}

type Assets = Pick<Config, 'sources' | 'assets'>;

function unscoredFeeds(config: Assets): UnscoredFeed[] {
  const names = config.assets.map((a) => a.name);
  return config.sources.flatMap((source, si) =>
    sourceType(source.type)
      .feeds(source)
      .filter((feed) => !names.includes(feed.asset))
      .map((feed) => ({
        at: `sources[${si}]${feed.assetKey}`,
        asset: feed.asset,
        meant: nearestName(feed.asset, names),
      })),
  );
}

export function unscoredAssetNotes(config: Assets): ConfigNote[] {
  if (config.assets.length === 0)
    return [
      {
        level: 'note',
        text:
          'no assets configured: the gateway records the channels of its sources and scores none (to score them, ' +
          'add assets, each with a model: docs/models.md, "A detector for your own machine, step by step")',
      },
    ];
  return unscoredFeeds(config).map(({ at, asset, meant }) => ({
    level: meant === undefined ? 'note' : 'warning',
    text:
      `${at}: "${asset}" names no asset under assets: its channels are recorded, not scored` +
      `${meant === undefined ? '' : ` (did you mean "${meant}"?)`}`,
  }));
}

/** The sources whose asset likely misspells `asset` ("sources[0].asset "pump-l""), for a refusal about `asset`. */
export function misnamedFor(config: Assets, asset: string): string[] {
  return unscoredFeeds(config)
    .filter((feed) => feed.meant === asset)
    .map((feed) => `${feed.at} "${feed.asset}"`);
}

/**
 * The poll interval of a recorded asset's sources (ms), where they all deliver at one rate; undefined where they
 * differ or none feeds it. What `export` tells `train --period-ms` for the record-first route: the median spacing of
 * a recording's rows is the poll interval plus its timer's lateness on a loaded gateway (1001 ms at 1000 ms), and a
 * model with that period is refused by the gateway that recorded it.
 */
export function recordedPollMs(config: Pick<Config, 'sources'>, asset: string): number | undefined {
  const periods = new Set(
    config.sources.flatMap((source) =>
      sourceType(source.type)
        .feeds(source)
        .filter((feed) => feed.asset === asset)
        .map((feed) => feed.periodMs),
    ),
  );
  return periods.size === 1 ? [...periods][0] : undefined;
}

/** Each channel of `asset` its sources give a unit (`unit:`), by channel: what `export` writes as the units row. */
export function configuredUnits(config: Pick<Config, 'sources'>, asset: string): Map<string, string> {
  return new Map(
    config.sources.flatMap((source) =>
      (sourceType(source.type).channelUnits?.(source) ?? [])
        .filter((u) => u.asset === asset)
        .map((u) => [u.channel, u.unit] as const),
    ),
  );
}
