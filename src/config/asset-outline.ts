/**
 * What each asset of a configuration will carry (pure, src/core/asset-outline.ts): the numeric channels its sources
 * feed, whether a model scores it (an entry under `assets`: a score, a verdict, the anomaly alarm) and whether it is
 * cut into parts (a cycle window: a verdict per part).
 */
import { ANOMALY_ALARM, type AssetOutline } from '../core/asset-outline.js';
import { sourceType } from '../registry/components.js';
import type { Config } from './schema.js';

type Feeding = Pick<Config, 'sources' | 'assets'>;

/** The asset's channels that carry text (Modbus `string` tags). */
export function textChannels(config: Pick<Config, 'sources'>, asset: string): Set<string> {
  const out = new Set<string>();
  for (const s of config.sources)
    for (const t of sourceType(s.type).textChannels?.(s) ?? []) if (t.asset === asset) out.add(t.channel);
  return out;
}

/** Every asset named under `assets` or by a source, configured ones first. */
export function assetOutline(config: Feeding): AssetOutline[] {
  const channels = new Map<string, Map<string, { name: string; unit?: string; text: boolean }>>(
    config.assets.map((a) => [a.name, new Map()]),
  );
  const channel = (asset: string, name: string) => {
    let of = channels.get(asset);
    if (!of) channels.set(asset, (of = new Map()));
    let c = of.get(name);
    if (!c) of.set(name, (c = { name, text: false }));
    return c;
  };
  for (const s of config.sources) {
    const type = sourceType(s.type);
    for (const feed of type.feeds(s)) for (const c of feed.channels) channel(feed.asset, c);
    for (const t of type.textChannels?.(s) ?? []) channel(t.asset, t.channel).text = true;
    for (const u of type.channelUnits?.(s) ?? []) channel(u.asset, u.channel).unit = u.unit;
  }
  const configured = new Map(config.assets.map((a) => [a.name, a]));
  return [...channels].map(([asset, of]) => {
    const a = configured.get(asset);
    return {
      asset,
      channels: [...of.values()],
      scored: a !== undefined,
      alarms: a ? [ANOMALY_ALARM] : [],
      parts: a?.window.type === 'cycle',
    };
  });
}
