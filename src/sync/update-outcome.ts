/**
 * A model update's outcomes on an asset (applied, rejected, rolled back, confirmed), each reported once: an event for
 * the gateway (and through it the cloud sink), a log line and a metric; the last of each asset is kept for its status.
 */
import { keepingPaths, redactCredentials } from '../core/redact.js';
import { URL_PATHS_KEPT, type Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { ReleaseRejected } from './release.js';
import type { NoticeVerdict } from './notice-memory.js';
import { DownloadTooLarge } from './release-reader.js';

export type UpdateOutcome = 'applied' | 'rejected' | 'rolled_back' | 'confirmed';

export interface ModelUpdateEvent {
  readonly asset: string;
  readonly model: string;
  /** The release the outcome is about; rolled back, the model the asset runs now (as `runningVersion` says). */
  readonly version: string;
  /** The model before it; rolled back, the release rolled back (as `rolledBackVersion` says). */
  readonly previousVersion: string;
  /** Rolled back only: the release that was rolled back. */
  readonly rolledBackVersion?: string;
  /** Rolled back only: the version the asset runs now. */
  readonly runningVersion?: string;
  readonly outcome: UpdateOutcome;
  readonly reason?: string;
  readonly by?: string;
  /** Confirmed or rolled back from probation: the windows the release was judged on, and of those, flagged. */
  readonly windowsJudged?: number;
  readonly windowsFlagged?: number;
  readonly ts: number;
}

/** A refusal's code: the ReleaseRejected's, or the step that failed around it. */
export function refusalCode(err: unknown, step: 'download' | 'store'): string {
  return err instanceof ReleaseRejected ? err.code : step;
}

/** Why a release was refused, as reported: the refusal's code, or what failed around it. */
export function refusalReason(err: unknown, step: 'download' | 'store'): string {
  return `${refusalCode(err, step)}: ${(err as Error).message}`;
}

/** What a refusal makes of its notice: refused for good (isFinal), or to be handled again when it comes. */
export function refusalVerdict(err: unknown, step: 'download' | 'store'): NoticeVerdict {
  return isFinal(err) ? { rejected: refusalCode(err, step) } : 'again';
}

/**
 * Whether a refusal would come again for the same notice: the release's own fault (signature,
 * manifest, sequence, model: a ReleaseRejected) or a file over its size cap. Any other download
 * failure (no answer, an HTTP error, a timeout) may pass.
 */
export function isFinal(err: unknown): boolean {
  return err instanceof ReleaseRejected || err instanceof DownloadTooLarge;
}

export class OutcomeReporter {
  private readonly lastOf = new Map<string, ModelUpdateEvent>();

  constructor(
    private readonly deps: { logger: Logger; metrics: GatewayMetrics; report: (event: ModelUpdateEvent) => void },
  ) {}

  /** The last outcome reported on `asset`, if any, marked to be shown as the log shows it (URL_PATHS_KEPT). */
  last(asset: string): ModelUpdateEvent | undefined {
    return this.lastOf.get(asset);
  }

  report(reported: ModelUpdateEvent): ModelUpdateEvent {
    // The event leaves the box (cloud, InfluxDB, the event stream): no credentials or query values of a release URL
    // (a token) in its reason; the path stays, the cloud gave it and needs it to tell which release was refused.
    const event = namingRollback(
      reported.reason ? { ...reported, reason: redactCredentials(reported.reason) } : reported,
    );
    // /api/status names the release URL as the log and the cloud do.
    this.lastOf.set(event.asset, keepingPaths(event));
    this.deps.metrics.modelUpdates.inc({ asset: event.asset, outcome: event.outcome });
    const text = `asset ${event.asset}: model ${event.model} ${event.outcome === 'rolled_back' ? `rolled back to ${event.version} from ${event.previousVersion}` : `${event.version} ${event.outcome}`}${event.reason ? `: ${event.reason}` : ''}${judged(event)}`;
    // The log names the release URL as the event does (its path kept), not as every other line (its path hidden).
    const fields = { component: 'model-updates', ...event, [URL_PATHS_KEPT]: true };
    if (event.outcome === 'rejected' || event.outcome === 'rolled_back') this.deps.logger.warn(fields, text);
    else this.deps.logger.info(fields, text);
    this.deps.report(event);
    return event;
  }
}

/**
 * A rollback, with fields that say which release was rolled back and which runs now: its `version` and
 * `previousVersion` (kept as they were) read the other way round from every other outcome's, and a dashboard misread
 * them.
 */
function namingRollback(event: ModelUpdateEvent): ModelUpdateEvent {
  if (event.outcome !== 'rolled_back') return event;
  return { ...event, rolledBackVersion: event.previousVersion, runningVersion: event.version };
}

/** ` (judged on 12 windows, 1 anomalous)`, where the event says how many windows the release was judged on. */
function judged(event: ModelUpdateEvent): string {
  return event.windowsJudged === undefined
    ? ''
    : ` (judged on ${event.windowsJudged} windows, ${event.windowsFlagged ?? 0} anomalous)`;
}
