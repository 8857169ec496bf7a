/**
 * The keys a schema's object takes at a path, among which an unknown key in a configuration (`poll_interval`) is
 * named with the one it most likely misspells (`poll_interval_ms`, nearestName).
 */
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
  readonly values?: readonly unknown[];
}

const defOf = (s: z.ZodType | undefined): Def | undefined => (s as { _zod?: { def: Def } } | undefined)?._zod?.def;

/** The object schema under optional, default and pipe wrappers, where there is one. */
function objectOf(s: z.ZodType | undefined, depth = 0): Def | undefined {
  const def = defOf(s);
  if (!def || depth > 16) return undefined;
  if (def.type === 'object') return def;
  return objectOf(def.innerType ?? def.in, depth + 1);
}

/** Whether a union branch names, in a literal key (`type: modbus_tcp`), another value than `value` holds. */
function otherBranch(option: z.ZodType, value: unknown): boolean {
  const shape = objectOf(option)?.shape;
  if (!shape || typeof value !== 'object' || value === null) return false;
  return Object.entries(shape).some(([key, field]) => {
    const def = defOf(field);
    const given = (value as Record<string, unknown>)[key];
    return def?.type === 'literal' && given !== undefined && !(def.values ?? []).includes(given);
  });
}

/**
 * The keys the object at `path` may hold: through optional, default, pipes, unions, arrays and records; none where
 * the path leads to no object. `input`, where given, is what was parsed: a union's branches whose literal keys
 * (`type: modbus_tcp`) it contradicts are left out, so that an OPC UA key is not offered to a Modbus source.
 */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[], input?: unknown): string[] {
  return [...fieldsAt(schema, path, input).keys()];
}

/** The schema of each key the object at `path` may hold (keysAt), the first found where branches share a key. */
export function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[], input?: unknown): Map<string, z.ZodType> {
  const found = new Map<string, z.ZodType>();
  const child = (value: unknown, key: PropertyKey) =>
    typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const visit = (s: z.ZodType | undefined, i: number, value: unknown, depth: number): void => {
    const def = defOf(s);
    if (!def || depth > 64) return;
    const next = (t: z.ZodType | undefined) => visit(t, i, value, depth + 1);
    const down = (t: z.ZodType | undefined) => visit(t, i + 1, child(value, path[i]), depth + 1);
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
      case 'union': {
        const options = def.options ?? [];
        const matching = options.filter((o) => !otherBranch(o, value));
        for (const option of matching.length > 0 ? matching : options) next(option);
        return;
      }
      case 'intersection':
        next(def.left);
        return next(def.right);
      case 'array':
        if (typeof path[i] === 'number') down(def.element);
        return;
      case 'record':
        if (i < path.length) down(def.valueType);
        return;
      case 'object':
        if (i === path.length) {
          for (const [key, field] of Object.entries(def.shape ?? {})) if (!found.has(key)) found.set(key, field);
        } else down(def.shape?.[String(path[i])]);
        return;
      default:
        return;
    }
  };
  visit(schema, 0, input, 0);
  return found;
}
