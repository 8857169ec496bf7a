/**
 * At start, before a gateway starts: the configuration to run (the kept one, checked again, or the local file:
 * ConfigIntake.atStart), and what becomes of a probation the run before left unfinished (probation-mark.ts): resumed
 * on the sources it was judged on, with the end counted; or, ended INTERRUPTIONS_TO_ROLL_BACK times in a row, rolled
 * back to the configuration before it (previous.msg, checked as the kept one is; where it is missing or refused, the
 * local file, and the reason says which). A mark that is unreadable or not for the configuration that starts is
 * removed and said, as is a sequence floor that rests on the kept messages rather than state.json (sequence-floor.ts).
 */
import { INTERRUPTIONS_TO_ROLL_BACK } from '../sync/interrupted-probation.js';
import type { Logger } from '../telemetry/logger.js';
import type { ConfigIntake, StartConfig } from './intake.js';
import type { ConfigOutcome } from './latest-outcome.js';
import { ConfigRefused } from './message.js';
import { judgedOn } from './probation.js';
import { markAtStart, type ConfigProbationFile, type ConfigProbationMark } from './probation-mark.js';
import { floorRaisedText } from './sequence-floor.js';
import { PREVIOUS_FILE, type RemoteConfigStore } from './store.js';

const LOG = { component: 'remote-config' } as const;

export interface StartRecovery {
  readonly current: StartConfig;
  /** The probation to resume on `current` once it started (its mark already written back, the end counted). */
  readonly resume?: ConfigProbationMark;
  /** What to report, in order: the kept configuration refused, a rollback for interrupted probations. */
  readonly outcomes: readonly ConfigOutcome[];
}

export async function recoverAtStart(deps: {
  readonly intake: ConfigIntake;
  readonly store: RemoteConfigStore;
  readonly marks: ConfigProbationFile;
  readonly logger: Logger;
  readonly now: () => number;
}): Promise<StartRecovery> {
  const { intake, store, marks, logger, now } = deps;
  const outcomes: ConfigOutcome[] = [];
  let current = await intake.atStart();
  if (current.why) outcomes.push({ outcome: 'rolled_back', code: 'kept_refused', reason: current.why, ts: now() });
  await sayFloor(intake, store.dir, logger);
  if (current.sequence !== undefined && (await store.dropPreviousEqualToRunning()))
    logger.warn(
      LOG,
      `remote configuration: ${store.dir}/${PREVIOUS_FILE} held sequence ${current.sequence}, the one running (a keep cut short): removed, so a rollback of it goes back to the local file`,
    );
  const read = marks.read();
  const found = markAtStart(read, current.sequence);
  switch (found.kind) {
    case 'none':
      return { current, outcomes };
    case 'stale':
      logger.warn(LOG, `remote configuration: probation mark ${marks.path} ${found.why}: removed, nothing resumed`);
      await marks.clear().catch((err: Error) => logger.warn(LOG, `remote configuration: ${err.message}`));
      return { current, outcomes };
    case 'resume': {
      const { mark } = found;
      // Written back before the configuration starts: an end during this start counts too.
      await marks
        .write(mark)
        .catch((err: Error) =>
          logger.warn(
            LOG,
            `remote configuration: cannot write ${marks.path} (${err.message}): an end during this probation will not count against it`,
          ),
        );
      const written = 'value' in read ? read.value : undefined;
      // The mark found inside another's (newMark): that one was taken to replace this one and not kept.
      const notKept = written && written.sequence !== mark.sequence ? written.sequence : undefined;
      const stopped = (notKept === undefined ? written : written?.before)?.stopped === true;
      logger.warn(
        { ...LOG, sequence: mark.sequence, interrupted: mark.interrupted },
        `remote configuration ${mark.sequence}: the gateway ${stopped ? 'stopped' : 'ended without stopping (a crash, a kill, power lost)'} during its probation${notKept === undefined ? '' : ` (sequence ${notKept}, taken to replace it, was not kept)`}: it starts again, judged on ${judgedOn(mark)}; ` +
          `rolled back if the gateway ends so ${INTERRUPTIONS_TO_ROLL_BACK} times in a row (${mark.interrupted} now)`,
      );
      return { current, resume: mark, outcomes };
    }
    case 'roll_back': {
      const { mark } = found;
      await store.rollBack();
      await marks.clear();
      current = await intake.atStart();
      const reason =
        `the gateway ended without stopping (a crash, a kill, power lost) during the probation of sequence ${mark.sequence}, ` +
        `${mark.interrupted} times in a row: rolled back to ${rolledBackTo(mark.previous, current, store.dir)} (not taken again: sign a new sequence)`;
      outcomes.push({
        outcome: 'rolled_back',
        sequence: mark.sequence,
        code: 'probation_interrupted',
        reason,
        ts: now(),
      });
      return { current, outcomes };
    }
  }
}

/** Warns where the sequence floor rests on the kept messages, not state.json (lost, or written lower by hand), and of
 * each kept message passed over; says nothing where state.json is damaged (the runner reports state_damaged). */
async function sayFloor(intake: ConfigIntake, dir: string, logger: Logger): Promise<void> {
  let found;
  try {
    found = await intake.sequenceFloor();
  } catch (err) {
    if (err instanceof ConfigRefused) return;
    throw err;
  }
  const raised = floorRaisedText(found, dir);
  if (raised) logger.warn(LOG, `remote configuration: ${raised}`);
  for (const why of found.passedOver)
    logger.warn(LOG, `remote configuration: ${why}: its sequence does not count in the sequence floor`);
}

/** What a rollback from a probation started: `started`, where the one before was `previous` (null: the local file). */
export function rolledBackTo(previous: number | null, started: StartConfig, dir: string): string {
  if (started.sequence !== undefined) return `sequence ${started.sequence}`;
  if (previous === null) return 'the local file';
  return started.why
    ? `the local file (sequence ${previous}, put back, is refused: ${started.why})`
    : `the local file (sequence ${previous} was to be put back, and ${dir}/${PREVIOUS_FILE} is missing)`;
}
