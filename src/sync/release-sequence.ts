/**
 * Only newer releases: an old signed release cannot be replayed (a downgrade). A release's signed
 * `release_sequence` must be above every sequence the asset holds: the one it last confirmed
 * (active.json), the highest it confirmed before an operator's local rollback put an earlier model back (the floor
 * active.json keeps: a local rollback lowers nothing), the one of a release now on probation there, and the one of the
 * model it is configured with (a shipped model may carry one), whichever is highest.
 */
import { MAX_SIGNED_SEQUENCE, SEQUENCE_CEILING_WHY } from '../core/sequence-ceiling.js';
import type { ModelManifest } from '../inference/manifest.js';
import { recordsOf, type ActiveFile, type ConfirmedRecord, type SequenceFloorRecord } from './confirmed-release.js';
import { ReleaseRejected } from './release.js';
import type { UpdateTarget } from './update-host.js';

/** A sequence a release must be above, and whose it is ("the last this gateway confirmed for pump-1"). */
export interface SequenceFloor {
  readonly sequence: number;
  readonly whose: string;
}

/** Throws a ReleaseRejected 'not_newer' unless `signed` has a release_sequence above every floor, 'bad_manifest' where
 * it is above the ceiling (core/sequence-ceiling.ts). */
export function checkNewer(signed: ModelManifest, origin: string, floors: readonly SequenceFloor[]): void {
  const seq = signed.release_sequence;
  if (seq === undefined)
    throw new ReleaseRejected(
      'not_newer',
      `release ${origin}: the signed manifest has no release_sequence (sign it with linewatch model sign --sequence N)`,
    );
  if (seq > MAX_SIGNED_SEQUENCE)
    throw new ReleaseRejected(
      'bad_manifest',
      `release ${origin}: release_sequence ${seq}, above the ceiling ${MAX_SIGNED_SEQUENCE} (${SEQUENCE_CEILING_WHY}): sign it with a sequence from 1 to ${MAX_SIGNED_SEQUENCE}`,
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

/** The sequences an asset holds, beside the model it runs. */
export interface HeldSequences {
  /** Its newest confirmed release as the store records it (active.json), if any. */
  readonly active?: ConfirmedRecord;
  /** The highest sequence it confirmed before a local rollback, if one left a floor (active.json). */
  readonly floor?: SequenceFloorRecord;
  /** The sequence it confirmed since the gateway started, if it did (active.json is written after). */
  readonly confirmed?: number;
  /** The release on probation there, if any. */
  readonly onProbation?: {
    readonly model: { readonly version: string };
    readonly sequence: number;
  };
}

/**
 * The floors a release for `target` must be above. The asset's newest confirmed release itself may come again where
 * the asset does not run it (it no longer verified at start: a damaged disk): the same signed sequence, version and
 * model hash, so no downgrade (the release active.json names, the one a local rollback chose included).
 */
export function sequenceFloors(target: UpdateTarget, signed: ModelManifest, held: HeldSequences): SequenceFloor[] {
  const { asset } = target;
  const { active, floor, confirmed, onProbation } = held;
  const again =
    active !== undefined &&
    confirmed === undefined &&
    target.model.version !== active.version &&
    active.sha256 === signed.sha256 &&
    active.version === signed.version &&
    active.sequence === signed.release_sequence;
  const stored = (active?.sequence ?? 0) - (again ? 1 : 0);
  const floors: SequenceFloor[] = [
    {
      sequence: Math.max(stored, confirmed ?? 0),
      whose: `the last this gateway confirmed for ${asset}`,
    },
  ];
  if (floor && !again)
    floors.push({
      sequence: floor.sequence,
      whose: `that of ${floor.version}, which this gateway confirmed for ${asset} before a local rollback`,
    });
  if (onProbation)
    floors.push({
      sequence: onProbation.sequence,
      whose: `that of ${onProbation.model.version}, on probation on ${asset}`,
    });
  if (target.releaseSequence !== undefined)
    floors.push({ sequence: target.releaseSequence, whose: `that of the model ${asset} is configured with` });
  return floors;
}

/**
 * Throws a ReleaseRejected 'version_taken' where `signed` carries the version of a release `asset` confirmed
 * (active.json: the newest, or one kept before it to fall back on) but is not that release (another sequence or model
 * hash): it would be stored in that release's folder, `<store>/<asset>/<version>`, in its place, and what a restart
 * or a rollback goes back to would be gone (active.json's record then no longer matching it). The release itself,
 * come again where the asset does not run it (sequenceFloors: a damaged folder), passes. The same for the version of
 * the release on probation (`onProbation`), where this one is another.
 */
export function checkVersionFree(
  signed: ModelManifest,
  origin: string,
  asset: string,
  active?: ActiveFile,
  onProbation?: HeldSequences['onProbation'],
): void {
  // The release on probation, under the same version but another sequence (checkNewer: a higher one): stored in its
  // folder, and outcomes (keyed by version) of two releases told under one name.
  if (onProbation?.model.version === signed.version && onProbation.sequence !== signed.release_sequence)
    throw new ReleaseRejected(
      'version_taken',
      `release ${origin}: version ${signed.version} is that of the release on probation on ${asset} (sequence ` +
        `${onProbation.sequence}); this one is another (sequence ${signed.release_sequence}, model sha256 ` +
        `${signed.sha256.slice(0, 12)}…): sign it under a version of its own`,
    );
  const taken = recordsOf(active).find((r) => r.version === signed.version);
  if (!taken) return;
  const same =
    taken.sequence === signed.release_sequence && (taken.sha256 === undefined || taken.sha256 === signed.sha256);
  if (same) return;
  const hash = taken.sha256 !== undefined ? `, model sha256 ${taken.sha256.slice(0, 12)}…` : '';
  throw new ReleaseRejected(
    'version_taken',
    `release ${origin}: version ${signed.version} is that of a release this gateway confirmed for ${asset} ` +
      `(sequence ${taken.sequence}${hash}), kept in ${taken.dir}; this one is another (sequence ` +
      `${signed.release_sequence}, model sha256 ${signed.sha256.slice(0, 12)}…): sign it under a version of its own`,
  );
}
