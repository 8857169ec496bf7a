/**
 * Signed model releases. A release is a model folder (ONNX + manifest.json) and a detached
 * ed25519 signature over the manifest's exact bytes (`manifest.sig`, base64); the manifest
 * carries the model file's sha256, so the signature covers the model too. Verification, in
 * order: signature against one of the configured public keys (several: key rotation), manifest
 * schema (the one a model folder's manifest goes through: normalisation and golden window sized
 * to the channels and window; its model file neither manifest.json nor manifest.sig), model
 * hash, its inputs fit what the gateway feeds, the model loads in onnxruntime
 * (through the session pool: once per model file) and its golden window reproduces. Each refusal
 * is a ReleaseRejected with a code and says why; model errors are sorted by their code.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestSchema, sha256Hex, type LoadedManifest, type ModelManifest } from '../inference/manifest.js';
import type { PooledModel, SessionPool } from '../inference/session-pool.js';
import { fileErrorText, ModelError, type ModelErrorCode } from '../core/errors.js';
import { formatIssues } from '../core/format-issues.js';
import { MANIFEST_FILE, releaseFileAt, SIGNATURE_FILE, type ReleaseFiles } from './release-reader.js';

export { SIGNATURE_FILE };

export type RejectionCode =
  | 'bad_signature'
  | 'bad_manifest'
  | 'hash_mismatch'
  | 'unloadable'
  | 'wrong_inputs'
  | 'golden_mismatch'
  | 'notice_mismatch'
  | 'not_newer'
  | 'version_taken'
  | 'url_not_allowed';

export class ReleaseRejected extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseRejected';
  }
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

/** A key file's problem as a person reads it: OpenSSL's decoder errors name no file and no kind of key. */
function keyFileError(what: string, path: string, pem: string, err: unknown, text?: string): Error {
  const file = fileErrorText(err);
  if (file !== undefined) return new Error(`${what} ${path}: ${file}`, { cause: err });
  const publicOne = what === 'private key' && text?.includes('PUBLIC KEY');
  const encrypted = text?.includes('ENCRYPTED');
  return new Error(
    publicOne
      ? `${what} ${path}: this is a public key; sign with the private key "linewatch model keygen" wrote beside it (release-signing.key.pem)`
      : encrypted
        ? `${what} ${path}: an encrypted key; linewatch signs with an unencrypted ed25519 key, as "linewatch model keygen" writes it (kept on the release machine, mode 600)`
        : `${what} ${path}: not a PEM ${what}; expected the file "linewatch model keygen" wrote, starting with "${pem}"`,
    { cause: err },
  );
}

export async function readPublicKey(path: string): Promise<KeyObject> {
  let key: KeyObject;
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(path);
    key = createPublicKey(bytes);
  } catch (err) {
    throw keyFileError('public key', path, '-----BEGIN PUBLIC KEY-----', err);
  }
  // createPublicKey takes a private key too (and derives its public half): the signing key would then sit on every
  // gateway, where it only needs the public one.
  if (bytes.includes('PRIVATE KEY'))
    throw new Error(
      `public key ${path}: this is a private key, the one that signs releases; give the public key "linewatch model ` +
        'keygen" wrote beside it (release-signing.pub.pem), and keep the private key on the release machine only',
    );
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`public key ${path}: expected an ed25519 public key, got ${key.asymmetricKeyType}`);
  return key;
}

/** The configured public keys (`public_key_file`: one path or a list, for key rotation); a release signed by any of
 * them verifies. */
export async function readPublicKeys(paths: string | readonly string[]): Promise<KeyObject[]> {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (list.length === 0) throw new Error('public_key_file: no public key configured');
  return Promise.all(list.map(readPublicKey));
}

/** The ed25519 private key that signs releases, each problem with the file named. */
export async function readPrivateKey(privateKeyPath: string): Promise<KeyObject> {
  let key: KeyObject;
  let text: string | undefined;
  try {
    const bytes = await readFile(privateKeyPath);
    text = bytes.subarray(0, 64).toString('latin1');
    key = createPrivateKey(bytes);
  } catch (err) {
    throw keyFileError('private key', privateKeyPath, '-----BEGIN PRIVATE KEY-----', err, text);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`private key ${privateKeyPath}: expected an ed25519 private key, got ${key.asymmetricKeyType}`);
  return key;
}

/** Signs a model folder's manifest.json (first setting its release_sequence, if given), writing manifest.sig beside
 * it. */
export async function signRelease(modelDir: string, privateKeyPath: string, sequence?: number): Promise<string> {
  const key = await readPrivateKey(privateKeyPath);
  if (sequence !== undefined) {
    const m = JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(
      join(modelDir, 'manifest.json'),
      `${JSON.stringify({ ...m, release_sequence: sequence }, null, 2)}\n`,
    );
  }
  const manifest = await readFile(join(modelDir, 'manifest.json'));
  const path = join(modelDir, SIGNATURE_FILE);
  await writeFile(path, `${signatureOf(manifest, key)}\n`);
  return path;
}

export interface ExpectedInputs {
  readonly channels: readonly string[];
  readonly windowLength: number;
  readonly samplePeriodMs: number;
}

type Keys = KeyObject | readonly KeyObject[];

/** A detached ed25519 signature (base64 text, surrounding blanks aside) that `data`'s exact bytes verify against one of
 * `keys` with: a release's manifest.sig, a remote configuration's first line (src/remote-config). */
export function signatureVerifies(
  data: Uint8Array,
  signature: Uint8Array | string,
  keys: readonly KeyObject[],
): boolean {
  const sig = Buffer.from(Buffer.from(signature).toString('utf8').trim(), 'base64');
  return sig.length === 64 && keys.some((key) => verify(null, data, key, sig));
}

/** The base64 ed25519 signature of `data`'s exact bytes (signRelease's manifest.sig, a remote configuration's). */
export function signatureOf(data: Uint8Array, key: KeyObject): string {
  return sign(null, data, key).toString('base64');
}

/**
 * Checks what the signature covers: signature (by any of `keys`), manifest schema, model hash.
 * Loads nothing; resolves with the signed manifest and the model bytes, or throws a ReleaseRejected. `keysFrom`: where
 * the keys came from, as a refusal names them (a command's flag); the configured ones where not given.
 */
export function verifySigned(files: ReleaseFiles, keys: Keys, keysFrom?: string): LoadedManifest {
  const where = `release ${files.origin}`;
  const list = Array.isArray(keys) ? (keys as readonly KeyObject[]) : [keys as KeyObject];
  const against = keysFrom ?? `the configured public key${list.length > 1 ? `s (${list.length})` : ''}`;
  if (!signatureVerifies(files.manifest, files.signature, list))
    throw new ReleaseRejected(
      'bad_signature',
      `${where}: the signature does not verify against ${against}: the manifest changed since it was signed, or ` +
        'another key signed it',
    );
  return checkContents(files);
}

/**
 * Checks what a signature would cover, the signature aside: manifest schema, the model file it names, model hash
 * (`model sign` checks a folder so before signing it). Resolves with the manifest, or throws a ReleaseRejected.
 */
export function checkContents(files: ReleaseFiles): LoadedManifest {
  const where = `release ${files.origin}`;
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
  if (manifest.file === MANIFEST_FILE || manifest.file === SIGNATURE_FILE)
    throw new ReleaseRejected(
      'bad_manifest',
      `${where}: manifest.json: file "${manifest.file}" names a file of the release itself (${MANIFEST_FILE}, ${SIGNATURE_FILE}), not its model file`,
    );
  const actual = sha256Hex(files.model);
  if (actual !== manifest.sha256)
    throw new ReleaseRejected(
      'hash_mismatch',
      `${where}: ${manifest.file} has sha256 ${actual}, the signed manifest says ${manifest.sha256} ` +
        `(${files.model.length} bytes read; the manifest records no size: fewer bytes than the signed file ` +
        'has is a truncated upload or download)',
    );
  return {
    manifest,
    manifestPath: releaseFileAt(files.origin, MANIFEST_FILE),
    modelPath: releaseFileAt(files.origin, manifest.file),
    modelBytes: files.model,
  };
}

/** Checks a signed manifest takes what the asset feeds; a ReleaseRejected 'wrong_inputs' otherwise. */
export function checkInputs(manifest: ModelManifest, expected: ExpectedInputs, origin: string): void {
  const channels = manifest.input.channels.map((c) => c.name);
  const problems: string[] = [];
  if (channels.join(',') !== expected.channels.join(','))
    problems.push(`channels [${channels.join(', ')}] instead of [${expected.channels.join(', ')}]`);
  if (manifest.input.window_length !== expected.windowLength)
    problems.push(`window of ${manifest.input.window_length} instead of ${expected.windowLength}`);
  if (manifest.input.sample_period_ms !== expected.samplePeriodMs)
    problems.push(`sample period ${manifest.input.sample_period_ms} ms instead of ${expected.samplePeriodMs} ms`);
  if (problems.length > 0)
    throw new ReleaseRejected('wrong_inputs', `release ${origin}: the model expects ${problems.join(', ')}`);
}

const REJECTION_OF: Partial<Record<ModelErrorCode, RejectionCode>> = {
  MODEL_GOLDEN_MISMATCH: 'golden_mismatch',
  MODEL_IO_MISMATCH: 'wrong_inputs',
};

/** Takes a signed model from the pool (loaded and its golden window run once per manifest); a ReleaseRejected when it
 * does not load or reproduce. */
export async function loadSigned(loaded: LoadedManifest, pool: SessionPool, origin: string): Promise<PooledModel> {
  try {
    return await pool.acquire(loaded);
  } catch (err) {
    const code = (err instanceof ModelError && REJECTION_OF[err.code]) || 'unloadable';
    throw new ReleaseRejected(code, `release ${origin}: ${(err as Error).message}`);
  }
}

/** Checks a release completely; resolves with the loaded, warmed model (a view of the pool's, the caller's to close)
 * or rejects with a ReleaseRejected. */
export async function verifyRelease(
  files: ReleaseFiles,
  keys: Keys,
  expected: ExpectedInputs | undefined,
  pool: SessionPool,
  keysFrom?: string,
): Promise<{ loaded: LoadedManifest; model: PooledModel }> {
  const loaded = verifySigned(files, keys, keysFrom);
  if (expected) checkInputs(loaded.manifest, expected, files.origin);
  return { loaded, model: await loadSigned(loaded, pool, files.origin) };
}
