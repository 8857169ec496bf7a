/**
 * A model as a configuration (`assets[].model`) or `--model` names it: a path relative to the config file (or the
 * working folder), or a shipped model's bare name; and, where it names nothing, the model folder it likely misspells.
 * The hint reads only the names in the folder the path would be in (at most MODEL_HINT_NAMES of them, no link
 * followed) and looks for a manifest.json in the few folders whose names are near: a typo in a folder of thousands of
 * entries costs no more than a few hundred names.
 */
import { existsSync, lstatSync, opendirSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nearestName } from '../core/nearest-name.js';

/** The models shipped with the package (dist/config/ → ../../models; /app/models in the image). */
const SHIPPED_MODELS = fileURLToPath(new URL('../../models', import.meta.url));

/** The most names of a folder read for a model folder a missing path likely misspells. */
export const MODEL_HINT_NAMES = 300;

/** A reference that is a path (`models/x`, `./x`, `.`), not a bare name. */
const isPath = (ref: string) => /[\\/]/.test(ref) || ref === '.' || ref === '..';

/**
 * A model path is relative to the config file (or, on the command line, to the working folder); a bare name
 * (`pump-ae`) that is not there names one of the shipped models. When neither exists the relative path is kept, so
 * the error names it.
 */
export function resolveModelPath(baseDir: string, ref: string): string {
  const path = resolve(baseDir, ref);
  if (existsSync(path) || isPath(ref)) return path;
  const bundled = join(SHIPPED_MODELS, ref);
  return existsSync(bundled) ? bundled : path;
}

/** The shipped models' names, sorted; none where the folder cannot be read. */
function shippedModels(): string[] {
  try {
    return readdirSync(SHIPPED_MODELS, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * The model folders in `dir` whose names are near `typed` (nearestName's rule): of its first `limit` entries, the
 * folders (a link is not followed) that hold a manifest.json file. None where `dir` cannot be read.
 */
export function modelFoldersNear(dir: string, typed: string, limit = MODEL_HINT_NAMES): string[] {
  const names: string[] = [];
  let folder;
  try {
    folder = opendirSync(dir);
  } catch {
    return [];
  }
  try {
    for (let i = 0; i < limit; i++) {
      const entry = folder.readSync();
      if (!entry) break;
      if (entry.isDirectory() && nearestName(typed, [entry.name]) === entry.name) names.push(entry.name);
    }
  } catch {
    // A folder that fails part-way: the names read so far.
  } finally {
    folder.closeSync();
  }
  return names.filter((name) => {
    try {
      return lstatSync(join(dir, name, 'manifest.json')).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * What to add to the error of a model reference that names nothing (`baseDir`: what it is relative to): a bare name is
 * no shipped model either (which are, where `shippedToo`: the reference may name one), and the reference is likely a
 * typo of the nearest model folder beside where it points or of a shipped model, written as the user would write it
 * (`./models/pump-hybird` → `./models/pump-hybrid`).
 */
export function missingModelHint(baseDir: string, ref: string, shippedToo = true): string {
  const trimmed = ref.replace(/(.)[\\/]+$/, '$1');
  const typed = basename(trimmed);
  const path = resolve(baseDir, trimmed);
  const local = typed === '' || typed === '.' || typed === '..' ? [] : modelFoldersNear(dirname(path), typed);
  const shipped = isPath(ref) || !shippedToo ? undefined : shippedModels();
  const meant = nearestName(typed, [...local, ...(shipped ?? [])]);
  const written = meant === undefined ? '' : trimmed.slice(0, trimmed.length - typed.length) + meant;
  const where = meant !== undefined && local.includes(meant) && shipped ? ` (${join(dirname(path), meant)})` : '';
  const suggestion = meant === undefined ? '' : `did you mean ${written}${where}?`;
  if (!shipped || shipped.length === 0) return suggestion && `; ${suggestion}`;
  return `, nor a shipped model (${shipped.join(', ')})${suggestion && `: ${suggestion}`}`;
}
