/**
 * checkVersionFree: a signed release never takes the folder (`<store>/<asset>/<version>`) of a release the asset holds
 * under that version, confirmed (active.json) or on probation, unless it is that release.
 */
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/inference/manifest.js';
import { ReleaseRejected } from '../../src/sync/release.js';
import { checkVersionFree } from '../../src/sync/release-sequence.js';

const hash = (c: string) => c.repeat(64);
const signed = (version: string, sequence: number, sha: string) =>
  ({ version, release_sequence: sequence, sha256: hash(sha) }) as unknown as ModelManifest;
const active = { version: '1.1.0', dir: '/store/pump-1/1.1.0', sequence: 3, sha256: hash('a') };

function refusal(run: () => void): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ReleaseRejected);
    expect((err as ReleaseRejected).code).toBe('version_taken');
    return (err as Error).message;
  }
  return 'passed';
}

describe('checkVersionFree', () => {
  it('refuses the version of the release on probation carried by another release, naming both sequences', () => {
    const onProbation = { model: { version: '1.2.0' }, sequence: 4 };
    expect(refusal(() => checkVersionFree(signed('1.2.0', 5, 'c'), 'r', 'pump-1', active, onProbation))).toBe(
      'release r: version 1.2.0 is that of the release on probation on pump-1 (sequence 4); this one is another ' +
        '(sequence 5, model sha256 cccccccccccc…): sign it under a version of its own',
    );
  });

  it('passes a release under a version of its own, and the release on probation itself', () => {
    const onProbation = { model: { version: '1.2.0' }, sequence: 4 };
    expect(refusal(() => checkVersionFree(signed('1.3.0', 5, 'c'), 'r', 'pump-1', active, onProbation))).toBe('passed');
    expect(refusal(() => checkVersionFree(signed('1.2.0', 4, 'b'), 'r', 'pump-1', active, onProbation))).toBe('passed');
  });

  it('refuses the version of a confirmed release carried by another, and passes that release come again', () => {
    expect(refusal(() => checkVersionFree(signed('1.1.0', 5, 'c'), 'r', 'pump-1', active))).toBe(
      'release r: version 1.1.0 is that of a release this gateway confirmed for pump-1 (sequence 3, model sha256 ' +
        'aaaaaaaaaaaa…), kept in /store/pump-1/1.1.0; this one is another (sequence 5, model sha256 cccccccccccc…): ' +
        'sign it under a version of its own',
    );
    expect(refusal(() => checkVersionFree(signed('1.1.0', 3, 'a'), 'r', 'pump-1', active))).toBe('passed');
  });
});
