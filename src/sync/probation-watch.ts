/**
 * The releases on probation, one per asset at most: swapped in, each wrapped in a ProbationModel (probation.ts)
 * around its view of the shared model, and judged each second: rolled back by itself where it fails runs or flags too
 * much of a healthy line, or on request (HTTP API); confirmed, and recorded in the store, once its probation is over.
 *
 * A rollback may come at any moment between an update's steps, so each change of an asset's state (the model the
 * gateway runs, the release on probation) is made in one synchronous step, never split by an await.
 */
import type { Model } from '../core/components.js';
import type { ScoreResult } from '../core/types.js';
import { ProbationModel } from './probation.js';
import type { UpdaterParts } from './update-host.js';
import type { ModelUpdateEvent } from './update-outcome.js';
import type { Logger } from '../telemetry/logger.js';

export interface Probation {
  readonly model: ProbationModel;
  readonly previous: Model;
  /** When it went on probation, and when its probation ends (ms since the epoch). */
  readonly since: number;
  readonly until: number;
  /** Where the release was stored, recorded as the asset's active release once confirmed. */
  readonly dir: string;
  /** Its signed release sequence, recorded with it. */
  readonly sequence: number;
  /** The sha256 of its model file, as signed, recorded with it. */
  readonly sha256: string;
  /**
   * Set when `until` passed with fewer than min_windows windows judged (a stopped line, a fault, a source down): the
   * probation goes on until they are, never confirmed unjudged (said once in the log and the statuses).
   */
  waitingSince?: number;
}

/**
 * A release on probation as /api/status shows it, beside the model that drives the alarms: its version, whether its
 * results drive them (live) or are only judged (shadow), since and until when, the windows it was judged on and
 * flagged, and its own latest score.
 */
export interface ProbationStatus {
  readonly version: string;
  readonly mode: 'shadow' | 'live';
  readonly since: number;
  readonly until: number;
  /** Shadowed: the windows the driving model judged normal; live: every window it scored. */
  readonly windowsJudged: number;
  /** Of those, the ones it judged anomalous (shadowed: where the driving model did not). */
  readonly windowsFlagged: number;
  /** The windows it must be judged on before it is confirmed (min_windows). */
  readonly minWindows: number;
  /** Once `until` passed with fewer judged: "waiting for windows: 3 of 10" (its probation goes on until they are). */
  readonly waitingForWindows?: string;
  readonly latest?: ScoreResult;
}

/**
 * A release whose probation an orderly stop ended: the next start runs the model before it (`next`), and puts it on
 * probation anew where its notice comes again.
 */
export interface StoppedProbation {
  readonly version: string;
  readonly mode: 'shadow' | 'live';
  /** The model the next start runs: the one the release replaced. */
  readonly next: { readonly name: string; readonly version: string };
}

/** A release stored and loaded, to go on probation: where it is stored, its signed sequence and model hash. */
export interface StoredRelease {
  readonly dir: string;
  readonly sequence: number;
  readonly sha256: string;
}

export class ProbationWatch {
  private readonly probations = new Map<string, Probation>();
  /** The sequence each asset confirmed while running, as soon as it is confirmed (active.json is written after). */
  private readonly confirmed = new Map<string, number>();
  /** The releases whose probation the stop ended, by asset (the goodbye names what the next start runs). */
  private readonly stopped = new Map<string, StoppedProbation>();

  constructor(
    private readonly deps: UpdaterParts & {
      /** Runs a step on the updates' chain: never between the steps of an update (model-updater.ts). */
      onChain: (step: () => Promise<void>) => Promise<void>;
      logger: Logger;
    },
  ) {}

  /** The release on probation on `asset`, if any. */
  get(asset: string): Probation | undefined {
    return this.probations.get(asset);
  }

  /** The release on probation on `asset` as the status shows it, if any. */
  status(asset: string): ProbationStatus | undefined {
    const p = this.probations.get(asset);
    if (!p) return undefined;
    const { model } = p;
    return {
      version: model.version,
      mode: model.mode,
      since: p.since,
      until: p.until,
      windowsJudged: model.windows,
      windowsFlagged: model.anomalous,
      minWindows: this.deps.config.min_windows,
      ...(p.waitingSince !== undefined
        ? { waitingForWindows: waitingText(model.windows, this.deps.config.min_windows) }
        : {}),
      ...(model.latest ? { latest: model.latest } : {}),
    };
  }

  /** The release whose probation the stop ended on `asset`, if any. */
  stoppedOn(asset: string): StoppedProbation | undefined {
    return this.stopped.get(asset);
  }

  /** The sequence `asset` confirmed while the gateway runs, if it did. */
  confirmedSequence(asset: string): number | undefined {
    return this.confirmed.get(asset);
  }

  /**
   * Swaps a release's model in on `asset` and puts it on probation (a newer release during probation replaces the one
   * there, keeping the model before it to roll back to); reports it applied.
   */
  async begin(
    asset: string,
    model: Model,
    stored: StoredRelease,
    base: Omit<ModelUpdateEvent, 'outcome'>,
  ): Promise<void> {
    const { config, host } = this.deps;
    const old = this.probations.get(asset); // a newer release during probation replaces it
    // The model before the release: the one to shadow it with and to roll back to.
    const before = old?.previous ?? host.currentModel(asset);
    if (!before) throw new Error(`asset ${asset}: no model runs there to put a release on probation beside`);
    const probation = new ProbationModel(
      model,
      {
        maxErrorRate: config.max_error_rate,
        maxAnomalousFraction: config.max_anomalous_fraction,
        minWindows: config.min_windows,
      },
      config.probation === 'shadow' ? before : undefined,
    );
    // One step with no await in it: a rollback sees the release on probation and the model the gateway runs change
    // together (before or after it, never between).
    const previous = host.swapModel(asset, probation);
    const since = this.deps.now();
    this.probations.set(asset, {
      model: probation,
      previous: before,
      since,
      until: since + config.probation_s * 1000,
      ...stored,
    });
    this.deps.outcomes.report({
      ...base,
      previousVersion: old?.model.version ?? previous.version,
      outcome: 'applied',
    });
    if (old) await old.model.inner.close().catch(() => undefined);
  }

  /** A release refused after it was marked: the mark goes back to the release on probation there, if any. */
  async unmark(asset: string): Promise<void> {
    const p = this.probations.get(asset);
    if (p) await this.deps.store.markProbation(asset, p.model.name, p.model.version);
    else await this.deps.store.clearProbation(asset);
  }

  /**
   * Judges every release on probation (the updater's timer, each second): rolls back one that
   * misbehaves, confirms one whose probation is over. Resolves once those rollbacks and records
   * are done.
   */
  async check(): Promise<void> {
    const { store, now } = this.deps;
    const pending: Promise<unknown>[] = [];
    for (const [asset, p] of this.probations) {
      const reason = p.model.verdict();
      if (reason) pending.push(this.rollback(asset, `misbehaved on probation: ${reason}`));
      else if (now() >= p.until && p.model.windows < this.deps.config.min_windows) this.waitForWindows(asset, p);
      else if (now() >= p.until) {
        this.probations.delete(asset);
        this.confirmed.set(asset, p.sequence);
        // Shadowed, the release's results become the gateway's now; the model before it closes once no run uses it.
        pending.push(
          p.model
            .goLive()
            .then(() => p.previous.close())
            .catch(() => undefined),
        );
        pending.push(
          this.deps.onChain(() =>
            store.recordConfirmed(
              asset,
              {
                version: p.model.version,
                dir: p.dir,
                sequence: p.sequence,
                sha256: p.sha256,
                confirmed_at: new Date(now()).toISOString(),
              },
              () => this.probations.get(asset)?.dir,
            ),
          ),
        );
        this.deps.outcomes.report({
          asset,
          model: p.model.name,
          version: p.model.version,
          previousVersion: p.previous.version,
          outcome: 'confirmed',
          ...judgedCounts(p.model),
          ts: now(),
        });
      }
    }
    await Promise.all(pending);
  }

  /**
   * `until` passed with fewer than min_windows windows judged: the release is not confirmed unjudged, its probation
   * goes on until they are (or it misbehaves, is rolled back on request, or a newer release replaces it). Said once:
   * in the log and, through the host, in the retained status.
   */
  private waitForWindows(asset: string, p: Probation): void {
    if (p.waitingSince !== undefined) return;
    p.waitingSince = this.deps.now();
    const needed = this.deps.config.min_windows;
    this.deps.logger.warn(
      {
        component: 'model-updates',
        asset,
        version: p.model.version,
        windowsJudged: p.model.windows,
        minWindows: needed,
      },
      `asset ${asset}: model ${p.model.name} ${p.model.version}: probation_s is over with ${p.model.windows} of ` +
        `min_windows ${needed} windows judged (the line stopped, in fault or its source down?): not confirmed ` +
        `unjudged, its probation goes on until ${needed} are`,
    );
    this.deps.host.statusChanged?.();
  }

  /**
   * Puts the previous model back (automatic on misbehaviour, or requested by an operator): the
   * release on probation now, whichever it is, in one step with no await (see begin); then
   * closes it and records its version as rolled back.
   */
  async rollback(asset: string, reason: string, by?: string): Promise<ModelUpdateEvent> {
    const { store } = this.deps;
    const p = this.probations.get(asset);
    if (!p)
      throw new Error(
        `asset ${asset}: no model update to roll back (rollback is possible while an update is on probation)`,
      );
    this.probations.delete(asset);
    this.deps.host.swapModel(asset, p.previous);
    const event = this.deps.outcomes.report({
      asset,
      model: p.model.name,
      version: p.previous.version,
      previousVersion: p.model.version,
      outcome: 'rolled_back',
      reason,
      ...(by ? { by } : {}),
      ...judgedCounts(p.model),
      ts: this.deps.now(),
    });
    await p.model.inner.close().catch(() => undefined);
    await store.recordRolledBack(asset, p.model.version);
    // Its folder goes, on the chain (an update in progress is not waited for here).
    void this.deps.onChain(() => store.prune(asset, () => this.probations.get(asset)?.dir)).catch(() => undefined);
    return event;
  }

  /**
   * At an orderly stop: a release on probation live stays in place and its predecessor is closed; a shadowed one is
   * closed and the model before it put back (it scores for the gateway to the end). Either way its probation ends
   * (stoppedOn): the next start runs the model before it.
   */
  async stop(): Promise<void> {
    for (const [asset, p] of this.probations) {
      if (p.model.mode === 'shadow') {
        // Shadowed, the model before still scores what the gateway flushes while it stops: it stays, the release goes.
        this.deps.host.swapModel(asset, p.previous);
        await p.model.inner.close().catch(() => undefined);
      } else await p.previous.close().catch(() => undefined);
      // An orderly stop is no crash: the release comes back on probation anew where its notice comes again.
      await this.deps.store.clearProbation(asset);
      const { name, version } = p.previous;
      this.stopped.set(asset, { version: p.model.version, mode: p.model.mode, next: { name, version } });
    }
    this.probations.clear();
  }
}

/** What /api/status says of a probation past `until` with too few windows judged. */
function waitingText(judged: number, needed: number): string {
  return `waiting for windows: ${judged} of ${needed}`;
}

/** The counts a confirmation or a rollback of a release on probation reports: the windows it was judged on. */
function judgedCounts(model: ProbationModel): { windowsJudged: number; windowsFlagged: number } {
  return { windowsJudged: model.windows, windowsFlagged: model.anomalous };
}
