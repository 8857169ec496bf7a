/**
 * Creating onnxruntime-node sessions: execution providers tried in the configured order with a
 * logged fallback to the next (CUDA/TensorRT are absent from the CPU build), full graph
 * optimisation so QDQ pairs fuse into integer kernels.
 */
import * as ort from 'onnxruntime-node';
import type { Logger } from '../telemetry/logger.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

export interface SessionOptions {
  readonly providers?: readonly ExecutionProvider[];
  readonly intraOpThreads?: number;
  readonly logger?: Logger;
  readonly what?: string;
}

export interface CreatedSession {
  readonly session: ort.InferenceSession;
  readonly provider: ExecutionProvider;
}

export async function createSession(model: Uint8Array, options: SessionOptions = {}): Promise<CreatedSession> {
  const providers = options.providers && options.providers.length > 0 ? options.providers : (['cpu'] as const);
  let lastError: unknown;
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: options.intraOpThreads ?? 1,
        enableMemPattern: true,
        enableCpuMemArena: true,
      });
      return { session, provider };
    } catch (err) {
      lastError = err;
      options.logger?.warn({ provider, model: options.what }, `execution provider ${provider} unavailable, trying the next: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw lastError;
}

export { ort };
