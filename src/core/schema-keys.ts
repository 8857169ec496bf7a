/**
 * The keys a schema's object takes at a path, and the one a misspelt key most likely meant: an unknown key in a
 * configuration (`poll_interval`) is named with the key the schema has (`poll_interval_ms`).
 */
import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
}

const defOf = (s: z.ZodType | undefined): Def | undefined => (s as { _zod?: { def: Def } } | undefined)?._zod?.def;

/**
 * The keys the object at `path` may hold: through optional, default, pipes, unions (every branch's keys), arrays and
 * records; none where the path leads to no object.
 */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  const visit = (s: z.ZodType | undefined, i: number, depth: number): void => {
    const def = defOf(s);
    if (!def || depth > 64) return;
    const next = (t: z.ZodType | undefined, at = i) => visit(t, at, depth + 1);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'readonly':
      case 'catch':
        return next(def.innerType);
      case 'pipe':
        return next(def.in);
      case 'lazy':
        return next(def.getter?.());
      case 'union':
        for (const option of def.options ?? []) next(option);
        return;
      case 'intersection':
        next(def.left);
        return next(def.right);
      case 'array':
        if (typeof path[i] === 'number') next(def.element, i + 1);
        return;
      case 'record':
        if (i < path.length) next(def.valueType, i + 1);
        return;
      case 'object':
        if (i === path.length) for (const key of Object.keys(def.shape ?? {})) found.add(key);
        else next(def.shape?.[String(path[i])], i + 1);
        return;
      default:
        return;
    }
  };
  visit(schema, 0, 0);
  return [...found];
}

/**
 * The key among `known` that `key` most likely misspells: the nearest by edit distance, where it shares more than
 * half of its characters' places (as commander suggests a mistyped option); undefined where none is that near or two
 * are equally near.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string[] = [];
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if ((Math.max(key.length, candidate.length) - d) / Math.max(key.length, candidate.length) <= 0.5) continue;
    if (d < bestDistance) [best, bestDistance] = [[candidate], d];
    else if (d === bestDistance) best.push(candidate);
  }
  return best.length === 1 ? best[0] : undefined;
}
