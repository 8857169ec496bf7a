/**
 * What the cloud's retained status (`<prefix>/<gateway>/status`, cloud-messages.ts) says of each asset's model, as
 * `/api/status` says it: the model the asset runs (`model`, `version`: on probation, the release, as before), the
 * version whose results drive its alarms and PLC outputs (`drivingVersion`: shadowed, the one before the release), and
 * a release on probation (`probation`: its version, mode, since and until, what a rollback puts back); in the goodbye,
 * where the stop ended a probation, the model the next start runs and the release (`interruptedProbation`). A fixed
 * set of fields per asset, its texts (a signed manifest's name and version) cut at MAX_STATUS_TEXT: the status's size
 * is bounded by the number of assets, and no count or score in it changes while nothing else does (it is published
 * again only when an asset's model or probation changes).
 */
import type { Model } from '../core/components.js';
import type { ModelUpdaterStatus } from './model-updater.js';

/** Characters of a model's name or version the status keeps (a version is a few dozen; the rest is cut, marked). */
export const MAX_STATUS_TEXT = 128;

export interface StatusProbation {
  readonly version: string;
  /** shadow: the model before drives the alarms while the release is judged beside it; live: the release does. */
  readonly mode: 'shadow' | 'live';
  /** When it went on probation, and when it is confirmed unless rolled back before (ISO 8601). */
  readonly since: string;
  readonly until: string;
  /** What a rollback puts back. */
  readonly previousVersion: string;
  /** The windows it must be judged on before it is confirmed (min_windows), `until` or not. */
  readonly minWindows: number;
  /** Set once `until` passed with fewer judged: its probation goes on until they are (/api/status has the count). */
  readonly waitingForWindows?: true;
}

export interface StatusModel {
  readonly asset: string;
  readonly model: string;
  /** The model the asset runs: on probation, the release (its results drive the alarms only live). */
  readonly version: string;
  /** The version whose results drive the asset's alarms and PLC outputs. */
  readonly drivingVersion: string;
  readonly probation?: StatusProbation;
  /**
   * In the goodbye, a release whose probation the stop ended: `model` and `version` then name the model before it,
   * which the next start runs (the release goes on probation anew where its notice comes again).
   */
  readonly interruptedProbation?: { readonly version: string; readonly mode: 'shadow' | 'live' };
}

/** `text` cut to MAX_STATUS_TEXT characters, the cut marked with an ellipsis. */
function bounded(text: string): string {
  return text.length <= MAX_STATUS_TEXT ? text : `${text.slice(0, MAX_STATUS_TEXT - 1)}…`;
}

/** The status entry of `asset` running `model`, with the updater's status of it where model updates are configured. */
export function statusModel(asset: string, model: Model, update?: ModelUpdaterStatus): StatusModel {
  const stopped = update?.stoppedProbation;
  if (stopped)
    return {
      asset,
      model: bounded(stopped.next.name),
      version: bounded(stopped.next.version),
      drivingVersion: bounded(stopped.next.version),
      interruptedProbation: { version: bounded(stopped.version), mode: stopped.mode },
    };
  const p = update?.probation;
  return {
    asset,
    model: bounded(model.name),
    version: bounded(model.version),
    drivingVersion: bounded((model.driving ?? model).version),
    ...(p
      ? {
          probation: {
            version: bounded(p.version),
            mode: p.mode,
            since: new Date(p.since).toISOString(),
            until: new Date(p.until).toISOString(),
            previousVersion: bounded(update.previousVersion ?? ''),
            minWindows: p.minWindows,
            ...(p.waitingForWindows ? { waitingForWindows: true as const } : {}),
          },
        }
      : {}),
  };
}
