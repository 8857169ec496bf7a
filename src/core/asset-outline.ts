/**
 * What each configured asset will carry, known from the configuration before any record (src/config/asset-outline.ts
 * makes it): a sink that must declare everything first (Sparkplug's DBIRTH) reads it; records still bring the values.
 */

/** The alarm each scored asset has (its model's score against its threshold). */
export const ANOMALY_ALARM = 'anomaly';

/** A channel an asset's sources deliver. */
export interface OutlineChannel {
  readonly name: string;
  /** Its unit, where the configuration sets one. */
  readonly unit?: string;
  /** It carries text (a Modbus `string` tag), not numbers. */
  readonly text: boolean;
}

export interface AssetOutline {
  readonly asset: string;
  /** Its channels, in source order. */
  readonly channels: readonly OutlineChannel[];
  /** An entry under `assets`: scored by its model (a score and a verdict per window or part). */
  readonly scored: boolean;
  /** Its alarms, by name. */
  readonly alarms: readonly string[];
  /** A cycle window: a verdict per part. */
  readonly parts: boolean;
}
