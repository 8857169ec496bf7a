/**
 * Signed model releases. A release is a model folder (ONNX + manifest.json) and a detached
 * ed25519 signature over the manifest's exact bytes (`manifest.sig`, base64); the manifest
 * carries the model file's sha256, so the signature covers the model too. Verification, in
 * order: signature against the configured public key, manifest schema, model hash, model loads
 * in onnxruntime and its inputs fit what the gateway feeds, golden window reproduces. Each
 * refusal has a code and says why.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExecutionProvider } from '../inference/onnx-session.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { manifestSchema, sha256Hex, type LoadedManifest } from '../inference/manifest.js';
import { ModelError } from '../core/errors.js';
import { formatIssues } from '../core/format-issues.js';

export const SIGNATURE_FILE = 'manifest.sig';

export type RejectionCode =
  | 'bad_signature'
  | 'bad_manifest'
  | 'hash_mismatch'
  | 'unloadable'
  | 'wrong_inputs'
  | 'golden_mismatch'
  | 'notice_mismatch'
  | 'not_newer';

export class ReleaseRejected extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseRejected';
  }
}

export interface ReleaseFiles {
  readonly manifest: Uint8Array;
  readonly signature: Uint8Array;
  /** The model file named by the manifest. */
  readonly model: Uint8Array;
  /** Where it came from, for messages. */
  readonly origin: string;
}

/** Writes a new ed25519 key pair; refuses to overwrite an existing key (a lost signing key strands every gateway). */
export async function generateKeys(dir: string): Promise<{ privatePath: string; publicPath: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await mkdir(dir, { recursive: true });
  const privatePath = join(dir, 'release-signing.key.pem');
  const publicPath = join(dir, 'release-signing.pub.pem');
  // 'wx': created new or failing, so the private key is born 0600 and never replaces one.
  const create = async (path: string, data: string | Buffer, mode: number) =>
    writeFile(path, data, { mode, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      throw new Error(
        err.code === 'EEXIST'
          ? `${path} already exists: refusing to overwrite a signing key (move it away first)`
          : `${path}: ${err.message}`,
      );
    });
  for (const path of [privatePath, publicPath])
    if (existsSync(path))
      throw new Error(`${path} already exists: refusing to overwrite a signing key (move it away first)`);
  await create(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
  await create(publicPath, publicKey.export({ type: 'spki', format: 'pem' }), 0o644);
  return { privatePath, publicPath };
}

export async function readPublicKey(path: string): Promise<KeyObject> {
  const key = createPublicKey(await readFile(path));
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${path}: expected an ed25519 public key, got ${key.asymmetricKeyType}`);
  return key;
}

/** Signs a model folder's manifest.json (first setting its release_sequence, if given), writing manifest.sig beside
 * it. */
export async function signRelease(modelDir: string, privateKeyPath: string, sequence?: number): Promise<string> {
  const key = createPrivateKey(await readFile(privateKeyPath));
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${privateKeyPath}: expected an ed25519 private key, got ${key.asymmetricKeyType}`);
  if (sequence !== undefined) {
    const m = JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(
      join(modelDir, 'manifest.json'),
      `${JSON.stringify({ ...m, release_sequence: sequence }, null, 2)}\n`,
    );
  }
  const manifest = await readFile(join(modelDir, 'manifest.json'));
  const path = join(modelDir, SIGNATURE_FILE);
  await writeFile(path, `${sign(null, manifest, key).toString('base64')}\n`);
  return path;
}

export async function readReleaseDir(dir: string): Promise<ReleaseFiles> {
  const manifest = await readFile(join(dir, 'manifest.json'));
  const signature = await readFile(join(dir, SIGNATURE_FILE)).catch(() => new Uint8Array());
  let file = 'model.int8.onnx';
  try {
    file = (JSON.parse(manifest.toString('utf8')) as { file?: string }).file ?? file;
  } catch {
    // the manifest check below reports it
  }
  const model = await readFile(resolve(dir, file)).catch(() => new Uint8Array());
  return { manifest, signature, model, origin: dir };
}

export interface ExpectedInputs {
  readonly channels: readonly string[];
  readonly windowLength: number;
  readonly samplePeriodMs: number;
}

/** Checks a release completely; resolves with the loaded, warmed model or rejects with a ReleaseRejected. */
export async function verifyRelease(
  files: ReleaseFiles,
  publicKey: KeyObject,
  expected: ExpectedInputs | undefined,
  asset: string,
  providers?: readonly ExecutionProvider[],
): Promise<{ loaded: LoadedManifest; model: AutoencoderModel }> {
  const where = `release ${files.origin}`;
  const sig = Buffer.from(Buffer.from(files.signature).toString('utf8').trim(), 'base64');
  if (sig.length !== 64 || !verify(null, files.manifest, publicKey, sig))
    throw new ReleaseRejected(
      'bad_signature',
      `${where}: the signature does not verify against the configured public key`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(files.manifest).toString('utf8'));
  } catch (err) {
    throw new ReleaseRejected('bad_manifest', `${where}: manifest.json is not JSON: ${(err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new ReleaseRejected(
      'bad_manifest',
      `${where}: manifest.json: ${formatIssues(parsed.error.issues).join('; ')}`,
    );
  const manifest = parsed.data;
  const actual = sha256Hex(files.model);
  if (actual !== manifest.sha256)
    throw new ReleaseRejected(
      'hash_mismatch',
      `${where}: ${manifest.file} has sha256 ${actual}, the signed manifest says ${manifest.sha256}`,
    );
  if (expected) {
    const channels = manifest.input.channels.map((c) => c.name);
    const problems: string[] = [];
    if (channels.join(',') !== expected.channels.join(','))
      problems.push(`channels [${channels.join(', ')}] instead of [${expected.channels.join(', ')}]`);
    if (manifest.input.window_length !== expected.windowLength)
      problems.push(`window of ${manifest.input.window_length} instead of ${expected.windowLength}`);
    if (manifest.input.sample_period_ms !== expected.samplePeriodMs)
      problems.push(`sample period ${manifest.input.sample_period_ms} ms instead of ${expected.samplePeriodMs} ms`);
    if (problems.length > 0)
      throw new ReleaseRejected('wrong_inputs', `${where}: the model expects ${problems.join(', ')}`);
  }
  const loaded: LoadedManifest = {
    manifest,
    manifestPath: join(files.origin, 'manifest.json'),
    modelPath: join(files.origin, manifest.file),
    modelBytes: files.model,
  };
  try {
    const model = await AutoencoderModel.load(loaded, { asset, providers });
    return { loaded, model };
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof ModelError && /golden window/.test(message))
      throw new ReleaseRejected('golden_mismatch', `${where}: ${message}`);
    if (err instanceof ModelError && /expected input/.test(message))
      throw new ReleaseRejected('wrong_inputs', `${where}: ${message}`);
    throw new ReleaseRejected('unloadable', `${where}: ${message}`);
  }
}
