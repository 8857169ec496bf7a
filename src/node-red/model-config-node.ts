/**
 * linewatch-model (config node): one model (a directory with manifest.json, or the manifest
 * file) and the execution providers to try in order. Its model comes from the session pool as
 * the daemon's do: taken on first use, shared by every score node that names it (and by every
 * other model node of the same file and providers: one session, windows scored together), given
 * back when the flow stops.
 */
import { existsSync } from 'node:fs';
import { missingModelHint } from '../config/model-ref.js';
import { ModelError } from '../core/errors.js';
import { loadManifest, type LoadedManifest } from '../inference/manifest.js';
import type { ExecutionProvider } from '../inference/onnx-session.js';
import { SessionPool, type PooledModel } from '../inference/session-pool.js';
import type { Logger } from '../telemetry/logger.js';
import type { ScoreResult, Window } from '../core/types.js';
import { FIELD_RULES_SCRIPT, fieldRulesScript } from './field-rules.js';
import { registerModelCheckEndpoint } from './model-dialog-check.js';
import { nodeModelPath, PACKAGE_ROOT } from './model-path.js';
import { list, serveEditorScript, text, type NodeDefinition, type NodeInstance, type RedApi } from './red-api.js';

const PROVIDERS: readonly ExecutionProvider[] = ['tensorrt', 'cuda', 'cpu'];

export { nodeModelPath } from './model-path.js';
/** A model that cannot load: where its path names nothing, the model folder or shipped model it likely misspells. */
function withModelHint(err: unknown, path: string, ref: string, userDir: string | undefined): unknown {
  if (!(err instanceof ModelError) || existsSync(path)) return err;
  // Beside where it points in the user directory, else beside the shipped ones (`models/pump-hybird`).
  const hint = missingModelHint(userDir ?? process.cwd(), ref) || missingModelHint(PACKAGE_ROOT, ref, false);
  return hint ? new ModelError(err.code, `${err.message}${hint}`, err.cause) : err;
}

export interface ModelConfigNode extends NodeInstance {
  /** Resolves with the loaded model (or rejects with why it cannot load). */
  model(): Promise<PooledModel>;
  /** Resolves with the model's manifest, read and checked (or rejects with why it cannot be). */
  manifest(): Promise<LoadedManifest>;
  /** Scores one window, micro-batched with the other windows that arrive meanwhile. */
  score(window: Window): Promise<ScoreResult>;
  readonly path: string;
}

/** The settings of a model config node, checked. */
export function modelSettings(
  config: NodeDefinition,
  userDir: string | undefined,
): { ref: string; path: string; providers: ExecutionProvider[] } {
  const ref = text(config, 'path');
  if (!ref) throw new Error('model: no path set (a model directory holding manifest.json, or the manifest file)');
  const providers = list(config, 'providers').map((p) => p.toLowerCase());
  const unknown = providers.filter((p) => !PROVIDERS.includes(p as ExecutionProvider));
  if (unknown.length > 0)
    throw new Error(`model ${ref}: unknown execution provider(s) ${unknown.join(', ')}; use ${PROVIDERS.join(', ')}`);
  const path = nodeModelPath(ref, userDir);
  return { ref, path, providers: providers.length > 0 ? (providers as ExecutionProvider[]) : ['cpu'] };
}

/** The pools of this Node-RED process, one per list of execution providers. */
const pools = new Map<string, SessionPool>();

/** The pool every model node with these providers takes its models from. */
export function poolFor(providers: readonly ExecutionProvider[]): SessionPool {
  const key = providers.join(',');
  let pool = pools.get(key);
  if (!pool) {
    pool = new SessionPool({ providers });
    pools.set(key, pool);
  }
  return pool;
}

export function registerModelConfigNode(RED: RedApi): void {
  registerModelCheckEndpoint(RED);
  // The dialogs' number and running condition fields: the runtime's own rules (every linewatch dialog uses them).
  serveEditorScript(RED, FIELD_RULES_SCRIPT, fieldRulesScript());
  RED.nodes.registerType('linewatch-model', function (this: NodeInstance, config: NodeDefinition) {
    RED.nodes.createNode(this, config);
    const node = this as ModelConfigNode & { path: string };
    let loading: Promise<PooledModel> | undefined;
    let reading: Promise<LoadedManifest> | undefined;
    let settings: ReturnType<typeof modelSettings> | undefined;
    let settingsError: Error | undefined;
    try {
      settings = modelSettings(config, RED.settings.userDir);
      node.path = settings.path;
    } catch (err) {
      settingsError = err as Error;
      node.path = text(config, 'path');
    }
    const logger = {
      warn: (_obj: unknown, message?: string) => node.warn(message ?? _obj),
      info: () => undefined,
      debug: () => undefined,
      error: (_obj: unknown, message?: string) => node.error(message ?? _obj),
    } as unknown as Logger;
    node.manifest = () => {
      if (settingsError) return Promise.reject(settingsError);
      const { path, ref } = settings!;
      reading ??= loadManifest(path).catch((err: unknown) => {
        throw withModelHint(err, path, ref, RED.settings.userDir);
      });
      return reading;
    };
    node.model = () => {
      loading ??= node.manifest().then((loaded) => poolFor(settings!.providers).acquire(loaded, logger));
      return loading;
    };
    // The pooled model batches the windows of every node that scores with it.
    node.score = async (window) => (await (await node.model()).score([window]))[0];
    node.on('close', (_removed, done) => {
      const current = loading;
      loading = undefined;
      reading = undefined;
      if (!current) return done();
      current
        .then((m) => m.close())
        .catch(() => undefined)
        .finally(done);
    });
  });
}
