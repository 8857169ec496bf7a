/** `linewatch model keygen | sign | verify`: the publishing side of signed model releases. */
import { resolve } from 'node:path';
import { SessionPool } from '../inference/session-pool.js';
import { generateKeys, readPublicKey, signRelease, verifyRelease } from '../sync/release.js';
import { readReleaseDir } from '../sync/release-reader.js';
import { reportError } from './report-error.js';
import { modelFolderFlag, UsageError } from './usage.js';

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
    const sequence = opts.sequence === undefined ? undefined : Number(opts.sequence);
    if (sequence !== undefined && !(Number.isInteger(sequence) && sequence >= 1))
      throw new UsageError(
        `--sequence ${opts.sequence}: expected a whole number from 1, above every release of this model signed before`,
      );
    const path = await signRelease(modelFolderFlag('--model', opts.model), resolve(opts.key), sequence);
    process.stdout.write(`signed: ${path}\n`);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

export async function verifyCommand(opts: { model: string; publicKey: string }): Promise<number> {
  try {
    const { loaded, model } = await verifyRelease(
      await readReleaseDir(modelFolderFlag('--model', opts.model)),
      await readPublicKey(resolve(opts.publicKey)),
      undefined,
      new SessionPool(),
    );
    await model.close();
    process.stdout.write(
      `verified: ${loaded.manifest.name} ${loaded.manifest.version} (signature, sha256 ${loaded.manifest.sha256.slice(0, 12)}…, loads, golden window reproduced)\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`linewatch: ${(err as Error).message}\n`);
    return 2;
  }
}
