/**
 * Only newer releases: an old signed release cannot be replayed (a downgrade). A release's signed
 * `release_sequence` must be above every sequence the asset holds: the one it last confirmed
 * (active.json), the one of a release now on probation there, and the one of the model it is
 * configured with (a shipped model may carry one), whichever is highest.
 */
import type { ModelManifest } from '../inference/manifest.js';
import { ReleaseRejected } from './release.js';

/** A sequence a release must be above, and whose it is ("the last this gateway confirmed for pump-1"). */
export interface SequenceFloor {
  readonly sequence: number;
  readonly whose: string;
}

/** Throws a ReleaseRejected 'not_newer' unless `signed` has a release_sequence above every floor. */
export function checkNewer(signed: ModelManifest, origin: string, floors: readonly SequenceFloor[]): void {
  const seq = signed.release_sequence;
  if (seq === undefined)
    throw new ReleaseRejected(
      'not_newer',
      `release ${origin}: the signed manifest has no release_sequence (sign it with linewatch model sign --sequence N)`,
    );
  const highest = floors.reduce<SequenceFloor | undefined>(
    (a, f) => (a && a.sequence >= f.sequence ? a : f),
    undefined,
  );
  if (highest && seq <= highest.sequence)
    throw new ReleaseRejected(
      'not_newer',
      `release ${origin}: release_sequence ${seq} is not above ${highest.sequence}, ${highest.whose}`,
    );
}
