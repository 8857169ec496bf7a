/**
 * A release folder checked on the publishing machine as a gateway checks it (`model verify`, `model publish`), and
 * how a command reports a release that fails the check: exit 1 where the signature or model hash does not verify (a
 * tampered, unsigned or foreign release: the check failed), 2 where the manifest or model itself is invalid, as
 * `validate --model` exits (docs/cli.md's exit codes).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { printableLines } from '../core/printable.js';
import type { LoadedManifest } from '../inference/manifest.js';
import { SIGNATURE_FILE } from '../inference/manifest.js';
import { SessionPool } from '../inference/session-pool.js';
import {
  checkContents,
  loadSigned,
  readPublicKey,
  ReleaseRejected,
  verifyRelease,
  type RejectionCode,
} from '../sync/release.js';
import { readReleaseDir } from '../sync/release-reader.js';
import { reportError } from './report-error.js';
import { modelFolderFlag } from './usage.js';

/** Refusals that say the model is invalid (exit 2); the others say the check failed (exit 1). */
const INVALID_MODEL: ReadonlySet<RejectionCode> = new Set([
  'bad_manifest',
  'unloadable',
  'golden_mismatch',
  'wrong_inputs',
]);

/**
 * Verifies the release in the folder `--model` names against the public key `publicKey`: signed, the signature
 * and model hash verify, it loads and reproduces its golden window. Resolves with its signed manifest.
 */
export async function checkReleaseFolder(model: string, publicKey: string): Promise<LoadedManifest> {
  const folder = modelFolderFlag('--model', model);
  const keyPath = resolve(publicKey);
  const key = await readPublicKey(keyPath); // the key's problems first, then the release's
  if (!existsSync(join(folder, SIGNATURE_FILE)))
    throw new Error(
      `${folder}: unsigned (no ${SIGNATURE_FILE}); sign it with linewatch model sign --model ${model} --key KEY --sequence N`,
    );
  const { loaded, model: loadedModel } = await verifyRelease(
    await readReleaseDir(folder),
    key,
    undefined,
    new SessionPool(),
    `the public key --public-key ${keyPath}`,
  );
  await loadedModel.close();
  return loaded;
}

/**
 * Checks the model folder `folder` as checkReleaseFolder does, the signature aside (`model sign`, before it signs):
 * the manifest is valid, its model file's sha256 is the manifest's, it loads and reproduces its golden window. A
 * ReleaseRejected where not, saying that nothing was signed: every gateway, `verify` and `publish` would refuse it.
 */
export async function checkBeforeSigning(folder: string): Promise<void> {
  const files = await readReleaseDir(folder);
  try {
    const model = await loadSigned(checkContents(files), new SessionPool(), files.origin);
    await model.close();
  } catch (err) {
    if (!(err instanceof ReleaseRejected)) throw err;
    throw new ReleaseRejected(
      err.code,
      `${err.message}; not signed: every gateway would refuse this release (${err.code}), as model verify and ` +
        'model publish do',
    );
  }
}

/** Reports a failure of a command that checks a release; its exit code (above). `redact`: as reportError's. */
export function reportReleaseError(err: unknown, redact?: (text: string) => string): number {
  if (!(err instanceof ReleaseRejected)) return reportError(err, redact);
  process.stderr.write(`linewatch: ${printableLines(err.message)}\n`); // it quotes the release's manifest
  return INVALID_MODEL.has(err.code) ? 2 : 1;
}
