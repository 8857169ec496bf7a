/**
 * Creating onnxruntime-node sessions: execution providers tried in the configured order with a
 * logged fallback to the next (CUDA/TensorRT are absent from the CPU build), full graph
 * optimisation so QDQ pairs fuse into integer kernels.
 *
 * Note: onnxruntime-node 1.30 runs `session.run` synchronously on the main thread (deferred with
 * setImmediate, no worker), so a run blocks the event loop for its length. Callers keep batches
 * bounded (64 windows) to keep that short; `npm run bench -- event-loop` measures it.
 *
 * Optimised-model cache (CPU): with `cache`, the graph onnxruntime optimised is saved there
 * on the first load and loaded with optimisation off on the next, so a restart skips the
 * optimiser. ORT's optimised graphs are specific to the ORT version and the CPU that made them,
 * so the file name carries the model's sha256 (from its verified manifest: not hashed again),
 * the ORT version, the architecture, the CPU model and the settings that change what the graph
 * computes; a cached file that does not load is deleted, logged, and made again from the model.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { arch, cpus } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Logger } from '../telemetry/logger.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

export interface SessionOptions {
  readonly providers?: readonly ExecutionProvider[];
  readonly intraOpThreads?: number;
  readonly logger?: Logger;
  readonly what?: string;
  /** Where optimised graphs are cached (CPU provider), and the model's sha256 (already verified) that names its file;
   * none: optimise at every load. */
  readonly cache?: { readonly dir: string; readonly sha256: string };
}

export interface CreatedSession {
  readonly session: ort.InferenceSession;
  readonly provider: ExecutionProvider;
  /** cpu with a cache: whether the optimised graph came from the cache. */
  readonly cached?: boolean;
}

/**
 * Session settings that change what an optimised graph computes (so they name its cache file too). ORT's
 * optimiser turns an int8 weight's DequantizeLinear and its MatMul into MatMulNBits, and by default (accuracy
 * level 4) that kernel quantizes its fp32 input to int8 on the fly: the leave-one-out autoencoder of a hybrid
 * model, fed with activations rounded to 1/127 of each block's largest value, then reads channels that others
 * predict almost exactly (a P-only controller's output from its measurement) as anomalous in every window (score
 * 32 on every Tennessee Eastman row, where the fp32 graph gives 2.5). Level 1 keeps the int8 weights and computes
 * in fp32, as the graph is written (onnxruntime-web does not fuse it at all).
 */
const GRAPH_SETTINGS = { session: { qdq_matmulnbits_accuracy_level: '1' } } as const;

const base = (provider: ExecutionProvider, options: SessionOptions): ort.InferenceSession.SessionOptions => ({
  executionProviders: [provider],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: options.intraOpThreads ?? 1,
  enableMemPattern: true,
  enableCpuMemArena: true,
  // A fresh copy: onnxruntime-web adds its own entries to the object it is given.
  extra: { session: { ...GRAPH_SETTINGS.session } },
});

/** The cache file of a model's optimised graph on this machine and ORT version. */
export function optimisedModelPath(cacheDir: string, modelSha256: string): string {
  const machine = createHash('sha256')
    .update(`${ort.env.versions.common}|${arch()}|${cpus()[0]?.model ?? 'cpu'}|${JSON.stringify(GRAPH_SETTINGS)}`)
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, `${modelSha256}.${machine}.ort.onnx`);
}

async function cpuSessionWithCache(
  model: Uint8Array,
  cache: NonNullable<SessionOptions['cache']>,
  options: SessionOptions,
): Promise<CreatedSession> {
  const cacheDir = cache.dir;
  const path = optimisedModelPath(cacheDir, cache.sha256);
  if (existsSync(path)) {
    try {
      const session = await ort.InferenceSession.create(path, {
        ...base('cpu', options),
        graphOptimizationLevel: 'disabled',
      });
      return { session, provider: 'cpu', cached: true };
    } catch (err) {
      options.logger?.warn(
        { model: options.what, cache: path },
        `cached optimised model ${path} does not load, making it again: ${(err as Error).message.split('\n')[0]}`,
      );
      rmSync(path, { force: true });
    }
  }
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (err) {
    options.logger?.warn(
      { model: options.what, cache: cacheDir },
      `model cache ${cacheDir} cannot be created (${(err as NodeJS.ErrnoException).code}): optimising at every load`,
    );
    return { session: await ort.InferenceSession.create(model, base('cpu', options)), provider: 'cpu', cached: false };
  }
  // ORT warns, at warning level, that a saved graph is specific to this machine: the cache key says so already.
  const session = await ort.InferenceSession.create(model, {
    ...base('cpu', options),
    optimizedModelFilePath: path,
    logSeverityLevel: 3,
  });
  removeStaleGraphs(cacheDir, cache.sha256, path, options);
  return { session, provider: 'cpu', cached: false };
}

/**
 * This model's optimised graphs cached under another key (an earlier onnxruntime, another CPU, other session
 * settings): never loaded again here, so removed once the current one is written. Other models' graphs stay (a
 * rollback may load them again).
 */
function removeStaleGraphs(cacheDir: string, sha256: string, current: string, options: SessionOptions): void {
  const own = (name: string) =>
    name.startsWith(`${sha256}.`) && /^[0-9a-f]{16}\.ort\.onnx$/.test(name.slice(sha256.length + 1));
  try {
    for (const name of readdirSync(cacheDir))
      if (own(name) && name !== basename(current)) rmSync(join(cacheDir, name), { force: true });
  } catch (err) {
    options.logger?.warn(
      { model: options.what, cache: cacheDir },
      `stale optimised graphs in ${cacheDir} not removed: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

export async function createSession(model: Uint8Array, options: SessionOptions = {}): Promise<CreatedSession> {
  const providers = options.providers && options.providers.length > 0 ? options.providers : (['cpu'] as const);
  let lastError: unknown;
  const tried: string[] = [];
  for (const [i, provider] of providers.entries()) {
    try {
      if (provider === 'cpu' && options.cache) return await cpuSessionWithCache(model, options.cache, options);
      return { session: await ort.InferenceSession.create(model, base(provider, options)), provider };
    } catch (err) {
      lastError = err;
      const why = (err as Error).message.split('\n')[0];
      tried.push(`${provider}: ${why}`);
      const next = providers[i + 1];
      if (next)
        options.logger?.warn(
          { provider, model: options.what },
          `execution provider ${provider} unavailable, trying the next (${next}): ${why}`,
        );
    }
  }
  // Without cpu, the list can run out on a machine without the GPU libraries (onnxruntime-web has cpu alone).
  if (!providers.includes('cpu'))
    throw new Error(
      `no execution provider of ${providers.join(', ')} is available (${tried.join('; ')}): end the list with cpu, ` +
        'which is always available',
      { cause: lastError },
    );
  throw lastError;
}

export { ort };
