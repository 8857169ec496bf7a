/**
 * An operator's command is answered once its alarm transition is journaled (`Sink.journaled`: the local store's group
 * commit), so that a 200 survives a crash right after it. Where the journal could not be written the answer is 503,
 * and says what did happen: the alarm's state machine took the command, so the alarm is in its new state in memory;
 * the event went to the event streams and the other sinks, and the alarm's actions (a PLC output, a webhook) run with
 * it. The local store keeps the transition pending and commits it with the next one or at its next flush (each
 * second) once it writes again; a restart before that restores the alarm's last journaled state instead.
 */
import type { Sink } from '../core/components.js';
import { CommandError } from '../core/errors.js';
import type { AlarmEvent } from '../core/types.js';

/** The sink that journals alarm transitions (the local store), if the gateway has one. */
export function alarmJournal(sinks: readonly Sink[]): Sink | undefined {
  return sinks.find((s) => s.journaled !== undefined);
}

/** `event` once `journal` has it on disk (at once without a journal); a CommandError 503 where it could not. */
export async function journaledCommand(journal: Sink | undefined, event: AlarmEvent): Promise<AlarmEvent> {
  try {
    await journal?.journaled?.();
    return event;
  } catch (err) {
    const reason = (err as Error).message;
    throw new CommandError(
      503,
      `${event.command} of ${event.asset}/${event.alarm} by ${event.by} took effect in memory (the alarm is ` +
        `${event.state}, its actions run) but is not journaled: ${reason}. It is kept and journaled once the local ` +
        "store writes again; a restart before that restores the alarm's last journaled state",
      { sink: journal!.name, store_error: reason, applied_in_memory: true, journaled: false, event },
    );
  }
}
