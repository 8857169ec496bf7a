/**
 * A gateway with remote configuration (cloud.remote_config in the local file): it starts with the configuration kept
 * in the state folder, if one is and it still passes (intake.ts), or the local file; then each message taken
 * (ConfigIntake.take) is applied in this process: the running gateway stops (sources, sinks flushed, the HTTP
 * endpoint closed), and one starts with the new configuration. Where that start fails, the kept configuration is put
 * back (RemoteConfigStore.rollBack) and the one before is started again. One that starts goes on probation on its
 * sources (probation.ts): rolled back the same way where a source that gave good samples under the configuration before
 * gives none within cloud.remote_config.probation_s, confirmed once each has. The probation is marked on disk before
 * the configuration is kept (probation-mark.ts): a start that finds the mark resumes it, or rolls the configuration
 * back where the gateway ended during it INTERRUPTIONS_TO_ROLL_BACK times in a row (start-recovery.ts). Each outcome
 * (applied, confirmed, refused with its code, rolled back with why) is logged, kept on disk until the broker has it and
 * published on `<prefix>/<gateway>/config/outcome` (latest-outcome.ts), counted (outcome-metric.ts), and shown in
 * /api/status (remoteConfig). The receiving connection is the local file's and outlives the restarts.
 */
import type { LoadedConfig } from '../config/load.js';
import { startDaemon, type Daemon } from '../daemon/daemon.js';
import type { RemoteConfigStatus } from '../runtime/gateway.js';
import type { Logger } from '../telemetry/logger.js';
import { readPublicKeys } from '../sync/release.js';
import { ConfigIntake, type StartConfig } from './intake.js';
import { LatestOutcome, type ConfigOutcome } from './latest-outcome.js';
import { ConfigRefused } from './message.js';
import { RemoteConfigCounts } from './outcome-metric.js';
import {
  GoodSources,
  goodOfAnyOf,
  judgedOn,
  probationFailure,
  probationPassed,
  probationRule,
  probationSeconds,
} from './probation.js';
import { ConfigProbationFile, newMark, type ConfigProbationMark } from './probation-mark.js';
import { ConfigReceiver } from './receiver.js';
import { recoverAtStart, rolledBackTo } from './start-recovery.js';
import { RemoteConfigStore, RUNNING_FILE } from './store.js';

const LOG = { component: 'remote-config' } as const;

type Outcome = ConfigOutcome;

export interface RemoteConfigRun {
  /** The gateway running now (another after each configuration applied). */
  readonly daemon: () => Daemon;
  readonly status: () => RemoteConfigStatus;
  /**
   * Settles when no gateway runs any more: a configuration applied did not start, nor did the one before it (put back
   * for the rollback). The process should then end, non-zero, for its supervisor to start it again (from the local
   * file, or the kept configuration it rolled back to); it never settles otherwise.
   */
  readonly failed: Promise<Error>;
  stop(): Promise<void>;
}

export interface RunnerDeps {
  readonly logger: Logger;
  /** Starts a gateway (startDaemon); a test injects a failing start here. */
  readonly start?: (loaded: LoadedConfig, status: () => RemoteConfigStatus) => Promise<Daemon>;
  readonly now?: () => number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts the gateway of the local file `local` (already loaded) with remote configuration, which it has set. */
export async function runWithRemoteConfig(local: LoadedConfig, deps: RunnerDeps): Promise<RemoteConfigRun> {
  const settings = local.config.cloud.remote_config;
  const broker = local.config.cloud.mqtt;
  if (!settings || !broker) throw new Error(`${local.file}: cloud.remote_config and cloud.mqtt are not both set`);
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const startBare = deps.start ?? ((loaded, status) => startDaemon(loaded, logger, { remoteConfig: status }));
  const counts = new RemoteConfigCounts();
  /** Starts a gateway whose /metrics serves the outcome counts. */
  const start: typeof startBare = async (loaded, status) => {
    const started = await startBare(loaded, status);
    counts.serveOn(started.metrics.registry);
    return started;
  };
  const gateway = local.config.gateway.name;
  const store = new RemoteConfigStore(local.config.data_dir, settings.max_message_bytes);
  const marks = new ConfigProbationFile(store.dir);
  const latest = new LatestOutcome(
    store.dir,
    (why) =>
      logger.error(
        LOG,
        `remote configuration: the outcome is not kept (${why}): a restart before the broker has it loses it`,
      ),
    (why) => logger.warn(LOG, `remote configuration: the outcome kept in ${why}: replaced by the next`),
  );
  const intake = new ConfigIntake({
    localFile: local.file,
    keys: await readPublicKeys(settings.public_key_file),
    gateway,
    maxBytes: settings.max_message_bytes,
    store,
    ...(deps.env ? { env: deps.env } : {}),
  });
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  const status = (): RemoteConfigStatus => ({
    runningSequence: intake.running ?? null,
    ...(latest.current ? { last: latest.current } : {}),
  });
  // Not started until the gateway runs; its messages go to apply (below).
  const receiver = new ConfigReceiver(
    broker,
    gateway,
    settings.max_message_bytes,
    logger,
    (bytes, origin, retained) => apply(bytes, origin, retained),
    latest,
  );
  const report = (outcome: Outcome): void => {
    counts.count(outcome.outcome, outcome.code);
    const text = `remote configuration${outcome.sequence !== undefined ? ` ${outcome.sequence}` : ''} ${outcome.outcome}${outcome.reason ? `: ${outcome.reason}` : ''}`;
    if (outcome.outcome === 'applied' || outcome.outcome === 'confirmed') logger.info({ ...LOG, ...outcome }, text);
    else logger.warn({ ...LOG, ...outcome }, text);
    void latest.keep(outcome);
    receiver.publishOutcome();
  };
  const clearMark = (sequence: number): void =>
    void marks
      .clear(sequence)
      .catch((err: Error) => logger.warn(LOG, `remote configuration: cannot remove ${marks.path}: ${err.message}`));

  const recovery = await recoverAtStart({ intake, store, marks, logger, now });
  let current: StartConfig = recovery.current;
  let resume = recovery.resume;
  for (const outcome of recovery.outcomes) report(outcome);
  const damaged = damagedState(store);
  if (damaged) report({ outcome: 'refused', code: damaged.code, reason: damaged.message, ts: now() });
  let daemon: Daemon;
  try {
    intake.running = current.sequence;
    daemon = await start(current.loaded, status);
  } catch (err) {
    if (current.sequence === undefined) throw err;
    // The kept configuration no longer starts: the one before it (or the local file) runs instead.
    await store.rollBack();
    const failed = current.sequence;
    await marks.clear(failed);
    resume = undefined;
    current = await intake.atStart();
    intake.running = current.sequence;
    daemon = await start(current.loaded, status);
    report({
      outcome: 'rolled_back',
      sequence: failed,
      code: 'start_failed',
      reason: (err as Error).message,
      ts: now(),
    });
  }
  logger.info(
    LOG,
    current.sequence === undefined
      ? `running the local configuration ${local.file}; remote configurations are taken`
      : `running remote configuration ${current.sequence} (kept in ${store.dir}) beside the local ${local.file}`,
  );

  // The sources that gave a good sample under the gateway running now, and the probation of its configuration.
  let good = new GoodSources(daemon.gateway.events);
  let probation: { stop: () => void } | undefined;
  const endProbation = (): void => {
    probation?.stop();
    probation = undefined;
  };
  let serial: Promise<void> = Promise.resolve();
  /** Whether the gateway was stopped for a configuration and none started since (a step that fails leaves none). */
  let down = false;
  /**
   * Runs `step` after the one before. One that fails otherwise than by a refusal (a disk error, a bug) is reported as
   * an outcome, `internal_error`, and counted, never only logged; where it left no gateway running, the process ends
   * for its supervisor (failed).
   */
  const inTurn = (step: () => Promise<void>, origin: string): Promise<void> => {
    const guarded = () =>
      step().catch((err: unknown) => {
        const reason = `${origin}: ${(err as Error).message}${down ? ': no gateway runs; the gateway stops for its supervisor to start it again' : ''}`;
        report({ outcome: 'refused', code: 'internal_error', reason, ts: now() });
        if (down) fail(new Error(`remote configuration: ${reason}`));
      });
    return (serial = serial.then(guarded, guarded));
  };

  /**
   * Starts the configuration before `taken` again after `taken` was stopped or did not start: `previous` (in memory),
   * or, for a probation resumed at start, the one put back from the state folder (where it is missing or refused, the
   * local file; the reason says which, `backTo` being its sequence). Reports the rollback with `code` and `why` (where
   * that one does not start either: `failure`, what became of `taken`, and why that one did not).
   */
  type Failure = { readonly code: string; readonly why: string; readonly failure: string };
  const rollBack = async (
    taken: StartConfig,
    previous: StartConfig | undefined,
    backTo: number | null,
    { code, why, failure }: Failure,
  ): Promise<void> => {
    await store.rollBack();
    if (taken.sequence !== undefined) await marks.clear(taken.sequence);
    let next = previous;
    let reason = why;
    try {
      if (!next) {
        next = await intake.atStart();
        reason = `${why}; rolled back to ${rolledBackTo(backTo, next, store.dir)}`;
      }
      intake.running = next.sequence;
      daemon = await start(next.loaded, status);
      down = false;
    } catch (again) {
      // Neither starts (a port taken meanwhile, a disk full): no gateway runs; the process ends for its supervisor.
      const reason =
        `${failure}, nor did the configuration before it (${(again as Error).message}): the gateway stops for its ` +
        'supervisor to start it again';
      report({ outcome: 'rolled_back', sequence: taken.sequence, code: 'restart_failed', reason, ts: now() });
      fail(new Error(`remote configuration: ${reason}`));
      return;
    }
    current = next;
    good = new GoodSources(daemon.gateway.events);
    report({ outcome: 'rolled_back', sequence: taken.sequence, code, reason, ts: now() });
  };

  /**
   * Puts `taken`, just started, on probation on the sources its mark names (probation.ts); `previous` is the
   * configuration it replaced where this process ran it (undefined for a probation resumed at start).
   */
  const startProbation = (
    taken: StartConfig,
    mark: ConfigProbationMark,
    origin: string,
    previous: StartConfig | undefined,
  ): void => {
    const seconds = settings.probation_s ?? probationSeconds(taken.loaded.config);
    const { judged, anyOf, replaces, sequence } = mark;
    const rule = { judged, ...(anyOf ? { anyOf } : {}), ...(replaces ? { replaces } : {}) };
    const confirm = (): void => {
      endProbation();
      clearMark(sequence);
      const reason = anyOf
        ? `${[...judged, ...goodOfAnyOf(rule, good.names)].join(', ')} gave good samples (judged on ${judgedOn(rule)})`
        : judged.length
          ? `${judged.join(', ')} gave good samples`
          : 'no source gave a good sample under the configuration before: none judged';
      report({ outcome: 'confirmed', sequence, reason, ts: now() });
    };
    if (probationPassed(rule, good.names)) return confirm();
    const unsubscribe = daemon.gateway.events.subscribe('samples', () => {
      if (probation && probationPassed(rule, good.names)) confirm();
    });
    const timer = setTimeout(() => {
      const failed = probationFailure(rule, good.names, daemon.gateway.status().sources, seconds);
      const why = `${origin} (sequence ${sequence}): ${failed}`;
      const failure = `${origin} (sequence ${sequence}) failed its probation (${failed})`;
      endProbation();
      void inTurn(async () => {
        if (current !== taken) return; // another configuration came meanwhile
        good.stop();
        down = true;
        await daemon.stop();
        await rollBack(taken, previous, mark.previous, { code: 'probation_failed', why, failure });
      }, `the rollback of ${origin} (sequence ${sequence})`);
    }, seconds * 1000);
    probation = {
      stop: () => {
        clearTimeout(timer);
        unsubscribe();
      },
    };
  };

  const apply = (bytes: Buffer, origin: string, retained: boolean): Promise<void> =>
    inTurn(() => take(bytes, origin, retained), origin);
  /** Takes a message (`retained`: delivered as its topic's retained message), or reports why not. */
  const take = async (bytes: Buffer, origin: string, retained: boolean): Promise<void> => {
    let taken;
    try {
      taken = await intake.check(bytes, origin);
    } catch (err) {
      if (!(err instanceof ConfigRefused)) throw err;
      if (err.code === 'not_newer' && retained) {
        // A retained message delivered again at a connection (after each start, each reconnection): the fleet's and
        // the gateway's topic would each put a refusal over the latest outcome, in turn, at every connection.
        const said = latest.current;
        logger.info(
          { ...LOG, sequence: err.sequence },
          `remote configuration ${err.sequence ?? ''} retained on ${origin.replace(/^mqtt /, '')}: not above the sequence floor: not taken, no outcome published over the latest${said ? ` (${said.outcome}${said.sequence !== undefined ? ` ${said.sequence}` : ''}${said.code ? `, ${said.code}` : ''})` : ''}`,
        );
        return;
      }
      report({ outcome: 'refused', code: err.code, reason: err.message, ts: now() });
      return;
    }
    if (taken === 'running') return;
    const next: StartConfig = { loaded: taken.loaded, sequence: taken.sequence };
    // Marked before it is kept or started: a gateway that ends from now on resumes its probation at the next start.
    const mark: ConfigProbationMark = {
      sequence: taken.sequence,
      ...probationRule(taken.loaded.config, good.names),
      previous: current.sequence ?? null,
      interrupted: 0,
    };
    const markBefore = marks.read();
    const written = newMark(mark, current.sequence, markBefore);
    try {
      await marks.write(written);
      await intake.keep(bytes, taken.sequence);
    } catch (err) {
      // Not kept (a disk full): the gateway running goes on, its own probation mark put back.
      await ('value' in markBefore ? marks.write(markBefore.value) : marks.clear(taken.sequence)).catch(
        (again: Error) => logger.warn(LOG, `remote configuration: cannot restore ${marks.path}: ${again.message}`),
      );
      const reason = `${origin} (sequence ${taken.sequence}): cannot be kept in ${store.dir} (${(err as Error).message}): not applied, the configuration running goes on`;
      report({ outcome: 'refused', sequence: taken.sequence, code: 'not_kept', reason, ts: now() });
      return;
    }
    endProbation(); // a configuration on probation that another replaces is not judged further
    // Kept: the mark of the probation it ended is left out of its own.
    if (written !== mark)
      await marks
        .write(mark)
        .catch((err: Error) => logger.warn(LOG, `remote configuration: cannot write ${marks.path}: ${err.message}`));
    good.stop();
    down = true;
    await daemon.stop();
    const previous = current;
    try {
      intake.running = taken.sequence;
      daemon = await start(taken.loaded, status);
      down = false;
    } catch (err) {
      const message = (err as Error).message;
      await rollBack(next, previous, mark.previous, {
        code: 'start_failed',
        why: `${origin} (sequence ${taken.sequence}): did not start: ${message}`,
        failure: `${origin} (sequence ${taken.sequence}) did not start (${message})`,
      });
      return;
    }
    current = next;
    good = new GoodSources(daemon.gateway.events);
    report({
      outcome: 'applied',
      sequence: taken.sequence,
      ...(taken.newWrites ? { reason: taken.newWrites } : {}),
      ts: now(),
    });
    startProbation(next, mark, origin, previous);
  };
  if (resume) startProbation(current, resume, `${store.dir}/${RUNNING_FILE}`, undefined);
  receiver.start();
  let stopping: Promise<void> | undefined;
  return {
    daemon: () => daemon,
    status,
    failed,
    stop: () => {
      stopping ??= (async () => {
        endProbation();
        await receiver.stop();
        await serial;
        endProbation();
        await daemon.stop();
        // Stopped in order: a probation not ended yet is resumed at the next start, this stop not counted.
        if (current.sequence !== undefined)
          await marks
            .markStopped(current.sequence)
            .catch((err: Error) =>
              logger.warn(LOG, `remote configuration: cannot mark ${marks.path} stopped: ${err.message}`),
            );
        await latest.written();
      })();
      return stopping;
    },
  };
}

/** The refusal every message meets while the state folder's state.json cannot be read (store.floor), or undefined. */
function damagedState(store: RemoteConfigStore): ConfigRefused | undefined {
  try {
    store.floor();
    return undefined;
  } catch (err) {
    if (err instanceof ConfigRefused) return err;
    throw err;
  }
}
