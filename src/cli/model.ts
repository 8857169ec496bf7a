/** `linewatch model keygen | sign | verify`: the publishing side of signed model releases (and model-publish.ts). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../inference/manifest.js';
import { generateKeys, readPrivateKey, signRelease } from '../sync/release.js';
import { checkBeforeSigning, checkReleaseFolder, reportReleaseError } from './release-check.js';
import { reportError } from './report-error.js';
import { modelFolderFlag, UsageError } from './usage.js';
import { sequenceFlag } from './sequence-flag.js';

export async function keygenCommand(opts: { out: string }): Promise<number> {
  try {
    const { privatePath, publicPath } = await generateKeys(resolve(opts.out));
    process.stdout.write(
      `ed25519 keys written:\n  private (keep on the publishing machine): ${privatePath}\n  public (configure on the gateways): ${publicPath}\n`,
    );
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

export async function signCommand(opts: { model: string; key: string; sequence?: string }): Promise<number> {
  try {
    const sequence = sequenceFlag(opts.sequence, 'every release of this model signed before');
    const folder = modelFolderFlag('--model', opts.model);
    await readPrivateKey(resolve(opts.key)); // the key's problems first, then the sequence's
    const before = await manifestFields(folder);
    if (sequence === undefined && before.release_sequence === undefined)
      throw new UsageError(
        '--sequence N: required, as this manifest has no release_sequence yet: a gateway takes only a release whose ' +
          'sequence is above the one it runs (1 for the first release of a model, higher for each later one)',
      );
    // A release its gateways would refuse is not signed: the manifest is left as it was.
    await checkBeforeSigning(folder);
    const again = signedAgain(folder, before, sequence);
    if (again) process.stderr.write(`linewatch: warning: ${again}\n`);
    const path = await signRelease(folder, resolve(opts.key), sequence);
    process.stdout.write(`signed: ${path}\n`);
    return 0;
  } catch (err) {
    return reportReleaseError(err);
  }
}

/** What sign reads of a manifest before signing it. */
interface ManifestFields {
  readonly release_sequence?: unknown;
  readonly version?: unknown;
}

/** The manifest's release_sequence and version, where it has them (a manifest that is no JSON is for signRelease to
 * name). */
async function manifestFields(folder: string): Promise<ManifestFields> {
  try {
    return JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8')) as ManifestFields;
  } catch {
    return {};
  }
}

/**
 * Where a signed manifest is signed again with a sequence not above the one it was signed with: why a gateway that
 * took the release before refuses this one (not_newer). A warning, not a refusal: signing a release again under its
 * sequence is right where no gateway took it (a signature made with the wrong key, a key rotated).
 */
function signedAgain(folder: string, before: ManifestFields, sequence: number | undefined): string | undefined {
  const signedAs = before.release_sequence;
  if (!existsSync(join(folder, SIGNATURE_FILE)) || typeof signedAs !== 'number') return undefined;
  const next = sequence ?? signedAs;
  if (next > signedAs) return undefined;
  const it = next === signedAs ? 'it' : `sequence ${next}`;
  return (
    // Not "for version …": the version a copied folder's manifest reads now may not be the one that was signed.
    `manifest already signed as sequence ${signedAs}; a gateway that has taken ` +
    `sequence ${signedAs} will refuse ${it} as not newer (--sequence ${signedAs + 1} or higher for a release it takes)`
  );
}

export async function verifyCommand(opts: { model: string; publicKey: string }): Promise<number> {
  try {
    const loaded = await checkReleaseFolder(opts.model, opts.publicKey);
    const sequence = loaded.manifest.release_sequence;
    process.stdout.write(
      `verified: ${loaded.manifest.name} ${loaded.manifest.version} (signature, sha256 ${loaded.manifest.sha256.slice(0, 12)}…, loads, golden window reproduced; ${
        sequence === undefined
          ? 'no release_sequence: a gateway refuses it; sign it again with --sequence N'
          : `release_sequence ${sequence}`
      })\n`,
    );
    return 0;
  } catch (err) {
    return reportReleaseError(err);
  }
}
