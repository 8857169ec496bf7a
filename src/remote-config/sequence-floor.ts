/**
 * The sequence floor a gateway holds: no configuration at or under it is taken. state.json records it (store.ts), and
 * the signed messages the state folder keeps carry it too: `running.msg`, `previous.msg`, and `rolled-back.msg` (the
 * last configuration rolled back), each taken at most once above the floor of its day, so the floor is at least the
 * highest of their signed sequences. A state.json lost (deleted, a restore without it) therefore lowers the floor no
 * further than the kept messages say: an older configuration replayed stays refused. Only a message whose signature
 * verifies raises it (an unsigned file could name any sequence, and a message someone wrote there unsigned is refused
 * at start anyway); a kept message that does not verify is passed over, named. A fresh gateway (nothing kept) has the
 * floor 0 and takes its first configuration. A damaged state.json still refuses everything (store.floor: the floor it
 * recorded can be above every kept message: the sequence rolled back before a keep cut short).
 */
import { join } from 'node:path';
import { KEPT_FILES, STATE_FILE, type KeptFile, type RemoteConfigStore } from './store.js';

/** The floor, and what it rests on: state.json's record (0: none), the highest kept signed message, if one verifies. */
export interface SequenceFloor {
  readonly floor: number;
  readonly recorded: number;
  readonly kept?: { readonly file: KeptFile; readonly sequence: number };
  /** The kept messages passed over (not verified, not readable), each with why. */
  readonly passedOver: readonly string[];
}

/**
 * The floor of `store`; `sequenceOf` gives a kept message's verified signed sequence (from `origin`, its path) or
 * throws why not. A ConfigRefused `state_damaged` where state.json cannot be read (store.floor).
 */
export async function sequenceFloor(
  store: RemoteConfigStore,
  sequenceOf: (bytes: Buffer, origin: string) => number,
): Promise<SequenceFloor> {
  const recorded = store.floor();
  let kept: SequenceFloor['kept'];
  const passedOver: string[] = [];
  for (const file of KEPT_FILES) {
    try {
      const bytes = await store.read(file);
      if (!bytes) continue;
      const sequence = sequenceOf(bytes, join(store.dir, file));
      if (!kept || sequence > kept.sequence) kept = { file, sequence };
    } catch (err) {
      passedOver.push((err as Error).message);
    }
  }
  return { floor: Math.max(recorded, kept?.sequence ?? 0), recorded, ...(kept ? { kept } : {}), passedOver };
}

/** Where the floor is above state.json's record (it is missing, or was written lower), a sentence saying so. */
export function floorRaisedText(found: SequenceFloor, dir: string): string | undefined {
  if (!found.kept || found.kept.sequence <= found.recorded) return undefined;
  return (
    `the sequence floor is ${found.kept.sequence}, the signed sequence of ${join(dir, found.kept.file)}, above ` +
    `${found.recorded ? `${found.recorded} in` : 'none in a missing'} ${join(dir, STATE_FILE)}: a configuration at ` +
    'or under it is refused'
  );
}
