/** Where a linewatch-model node's path points (the model dialog's check resolves it the same way). */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveModelPath } from '../config/model-ref.js';

/** The installed linewatch package (dist/node-red/ → ../..), whose models/ ships the example models. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A model node's path: absolute as it is; relative, looked up in the Node-RED user directory first (your own models),
 * then as the daemon's configuration reads it (a bare shipped name, `pump-hybrid`: config/model-ref.ts), then in the
 * linewatch package (`models/pump-hybrid`, as the example flows name the shipped models).
 */
export function nodeModelPath(ref: string, userDir: string | undefined): string {
  if (isAbsolute(ref)) return ref;
  const own = resolveModelPath(userDir ?? process.cwd(), ref);
  if (existsSync(own)) return own;
  const shipped = resolve(PACKAGE_ROOT, ref);
  return existsSync(shipped) ? shipped : own;
}

/**
 * The environment variable a model path names where Node-RED substitutes it when the flow starts: the whole value
 * `${VAR}` or `$(VAR)`, as Node-RED's flows/util.js mapEnvVarProperties takes it (from the node's, its group's or
 * flow's env, else the process's; a `${VAR}` inside a longer path is not substituted). Undefined where none.
 */
export function substitutedVariable(ref: string): string | undefined {
  return /^\$\{(\S+)\}$/.exec(ref)?.[1] ?? /^\$\((\S+)\)$/.exec(ref)?.[1];
}
