/**
 * linewatch-model (config node): one model (a directory with manifest.json, or the manifest
 * file) and the execution providers to try in order. It owns the onnxruntime session: loaded
 * once on first use, shared by every score node that names it, released when the flow stops.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { loadManifest } from '../inference/manifest.js';
import type { ExecutionProvider } from '../inference/onnx-session.js';
import { MicroBatcher } from '../inference/micro-batcher.js';
import type { ScoreResult, Window } from '../core/types.js';
import { list, text, type NodeDefinition, type NodeInstance, type RedApi } from './red-api.js';

const PROVIDERS: readonly ExecutionProvider[] = ['tensorrt', 'cuda', 'cpu'];
/** The installed linewatch package (dist/node-red/ → ../..), whose models/ ships the example models. */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A relative model path is looked up in the Node-RED user directory first (your own models),
 * then in the linewatch package (the shipped models: "models/pump-ae").
 */
export function resolveModelPath(ref: string, userDir: string | undefined): string {
  if (isAbsolute(ref)) return ref;
  const own = resolve(userDir ?? process.cwd(), ref);
  if (existsSync(own)) return own;
  const shipped = resolve(PACKAGE_ROOT, ref);
  return existsSync(shipped) ? shipped : own;
}

export interface ModelConfigNode extends NodeInstance {
  /** Resolves with the loaded model (or rejects with why it cannot load). */
  model(): Promise<AutoencoderModel>;
  /** Scores one window, micro-batched with the other windows that arrive meanwhile. */
  score(window: Window): Promise<ScoreResult>;
  readonly path: string;
}

/** The settings of a model config node, checked. */
export function modelSettings(
  config: NodeDefinition,
  userDir: string | undefined,
): { path: string; providers: ExecutionProvider[] } {
  const ref = text(config, 'path');
  if (!ref) throw new Error('model: no path set (a model directory holding manifest.json, or the manifest file)');
  const providers = list(config, 'providers').map((p) => p.toLowerCase());
  const unknown = providers.filter((p) => !PROVIDERS.includes(p as ExecutionProvider));
  if (unknown.length > 0)
    throw new Error(`model ${ref}: unknown execution provider(s) ${unknown.join(', ')}; use ${PROVIDERS.join(', ')}`);
  const path = resolveModelPath(ref, userDir);
  return { path, providers: providers.length > 0 ? (providers as ExecutionProvider[]) : ['cpu'] };
}

export function registerModelConfigNode(RED: RedApi): void {
  RED.nodes.registerType('linewatch-model', function (this: NodeInstance, config: NodeDefinition) {
    RED.nodes.createNode(this, config);
    const node = this as ModelConfigNode & { path: string };
    let loading: Promise<AutoencoderModel> | undefined;
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
    };
    node.model = () => {
      if (settingsError) return Promise.reject(settingsError);
      loading ??= loadManifest(settings!.path).then((loaded) =>
        AutoencoderModel.load(loaded, {
          asset: text(config, 'name', 'model'),
          providers: settings!.providers,
          logger: logger as never,
        }),
      );
      return loading;
    };
    const batcher = new MicroBatcher<Window, ScoreResult>(async (windows) => (await node.model()).score(windows));
    node.score = (window) => batcher.push(window);
    node.on('close', (_removed, done) => {
      const current = loading;
      loading = undefined;
      if (!current) return done();
      current
        .then((m) => m.close())
        .catch(() => undefined)
        .finally(done);
    });
  });
}
