/**
 * Usage errors: a flag with a bad value, a flag that names a missing file. They exit with code 2
 * (as commander's own usage errors do) and their message names the flag.
 */
import { missingModelHint, resolveModelPath } from '../config/model-ref.js';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ListenError } from '../core/errors.js';
import { nearestName } from '../core/nearest-name.js';
import { MANIFEST_FILE, MODEL_FOLDER_HOLDS } from '../inference/manifest.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Refuses the flags of `values` (flag → value) that were given, naming them and `why`, instead of ignoring them. */
export function refuseGiven(values: Record<string, string | undefined>, why: string): void {
  const given = Object.keys(values).filter((flag) => values[flag] !== undefined);
  if (given.length > 0) throw new UsageError(`${given.join(', ')}: ${why}`);
}

/** A flag that takes one of `choices`: another value is refused, with the one it likely misspells (nearestName). */
export function choiceFlag<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  const meant = nearestName(value, choices);
  throw new UsageError(
    `--${flag} ${value}: expected one of ${choices.join(', ')}${meant ? `; did you mean ${meant}?` : ''}`,
  );
}

/** A TCP port flag (0 asks the system for a free port). */
export function portFlag(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${flag} ${value}: expected a port number from 0 to 65535`);
  return n;
}

/** A number flag of at least `min` (seconds, ...). */
export function numberFlag(flag: string, value: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min)
    throw new UsageError(`--${flag} ${value}: expected a number from ${min}`);
  return n;
}

/** Flags (by commander's option key) that name a file or folder that must exist, per command. */
const INPUT_PATHS: Record<string, readonly string[]> = {
  run: ['config'],
  validate: ['config', 'model'],
  simulate: ['config', 'replay'],
  export: ['config'],
  eval: ['data', 'model'],
  train: ['csv'],
  quantize: ['model', 'csv'],
  sign: ['model', 'key'],
  verify: ['model', 'publicKey'],
  publish: ['model', 'publicKey', 'caFile', 'certFile', 'keyFile'],
};

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Commands whose `--model` may be a shipped model's bare name (`pump-hybrid`), as in a configuration. */
const SHIPPED_MODEL_NAMES = ['validate', 'eval'];

/**
 * Refuses a command whose input file or folder flags name nothing, before the command starts; a shipped model's bare
 * name given to `--model` (where no such folder is here) becomes that model's folder.
 */
export function checkInputPaths(command: Command): void {
  const opts = command.opts<Record<string, unknown>>();
  for (const key of INPUT_PATHS[command.name()] ?? []) {
    const value = opts[key];
    if (typeof value !== 'string' || existsSync(resolve(value))) continue;
    if (key === 'model' && SHIPPED_MODEL_NAMES.includes(command.name())) {
      const shipped = resolveModelPath(process.cwd(), value);
      if (existsSync(shipped)) {
        command.setOptionValueWithSource(key, shipped, command.getOptionValueSource(key) ?? 'cli');
        continue;
      }
    }
    const option = command.options.find((o) => o.attributeName() === key);
    const from = command.getOptionValueSource(key) === 'env' && option?.envVar ? ` (from ${option.envVar})` : '';
    const hint =
      key === 'model' ? missingModelHint(process.cwd(), value, SHIPPED_MODEL_NAMES.includes(command.name())) : '';
    throw new UsageError(`${flagName(key)} ${value}${from}: no such file or folder${hint}`);
  }
}

/**
 * A listen that failed because the port is taken, told by the flag that picks another (`ports`: flag → the port it
 * gave); any other error as it is.
 */
export function portTakenHint(err: unknown, ports: Readonly<Record<string, number>>): unknown {
  const message = (err as Error | undefined)?.message ?? '';
  // The daemon's own error (its config's http.port, which the demo's --http-port gave) says which port.
  if (err instanceof ListenError && err.reason !== 'EADDRINUSE') return err;
  const taken =
    err instanceof ListenError ||
    (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' ||
    message.includes('EADDRINUSE');
  if (!taken) return err;
  const port = err instanceof ListenError ? err.port : Number([...message.matchAll(/:(\d{1,5})\b/g)].pop()?.[1]);
  const flag = Object.keys(ports).find((f) => ports[f] === port);
  if (flag === undefined) return err;
  return new UsageError(
    `--${flag} ${port}: another program listens on port ${port} already; pick another with --${flag} (0: any free port)`,
  );
}

/** A `--model` flag that must name a model folder: refused, with what one holds, where it has no manifest.json. */
export function modelFolderFlag(flag: string, dir: string): string {
  const path = resolve(dir);
  if (!statSync(join(path, MANIFEST_FILE), { throwIfNoEntry: false })?.isFile())
    throw new UsageError(`${flag} ${dir}: not a model folder (no manifest.json there; ${MODEL_FOLDER_HOLDS})`);
  return path;
}
