/**
 * Whether a parts asset (cycle window) has its inputs (pure). A sliding window's asset that forms no window is blind
 * (InputWatch); a press forms no part for as long as it idles between parts, so forming none says nothing. A source
 * of its channels that is disconnected does: no part can be formed while it is, and the asset is degraded (/healthz
 * `degraded_assets`, /readyz, /api/status) until it connects again. Regression: with the PLC stopped, /healthz listed
 * the pump (sliding windows) and not the presses behind the same stopped simulator.
 */
import type { Config } from '../config/schema.js';
import { sourceType } from '../registry/components.js';
import type { AssetStatus } from './asset-pipeline.js';

/** The names of the sources that feed each asset, by asset. */
export function sourcesByAsset(sources: Config['sources']): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const source of sources)
    for (const feed of sourceType(source.type).feeds(source)) {
      const names = out.get(feed.asset) ?? [];
      if (!names.includes(source.name)) out.set(feed.asset, [...names, source.name]);
    }
  return out;
}

/**
 * `assets` with each parts asset (its status counts parts) that is not degraded already said to be degraded while a
 * source feeding it is disconnected: "source press-plc disconnected: no part can be formed".
 */
export function withPartSourcesDown(
  assets: readonly AssetStatus[],
  feeding: ReadonlyMap<string, readonly string[]>,
  connected: ReadonlyMap<string, boolean>,
): AssetStatus[] {
  return assets.map((asset) => {
    if (asset.parts === undefined || asset.degraded) return asset;
    const down = (feeding.get(asset.name) ?? []).filter((name) => connected.get(name) === false);
    if (down.length === 0) return asset;
    const which = `source${down.length > 1 ? 's' : ''} ${down.join(', ')}`;
    return { ...asset, degraded: `${which} disconnected: no part can be formed` };
  });
}
