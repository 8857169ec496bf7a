/**
 * Turns schema issues into "path: message" lines, the path written as `sources[1].registers[3].type`; a key that is
 * not a plain name (blank, spaces, dots, quotes) is written quoted, `gateway[" name"]`, so it can be seen.
 */
import type { z } from 'zod';
import { fieldsAt, keysAt } from './schema-keys.js';
import { foreignKey, foreignNameNote, foreignValue } from './foreign-names.js';
import { nearestName, nearestNames } from './nearest-name.js';
import { unitValueHint } from './unit-value.js';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (!PLAIN_KEY.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** The value at a path of what was parsed. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path)
    node = typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

/**
 * Where an unknown key that misspells none is a key of a sibling (`hop_samples` beside `window:` instead of under it,
 * an indentation slip), the sibling it belongs under, if only one takes it.
 */
function siblingTaking(
  key: string,
  path: readonly PropertyKey[],
  schema: z.ZodType,
  input: unknown,
): string | undefined {
  const here = valueAt(input, path);
  if (typeof here !== 'object' || here === null || Array.isArray(here)) return undefined;
  const takers = Object.keys(here).filter((s) => s !== key && keysAt(schema, [...path, s], input).includes(key));
  return takers.length === 1 ? takers[0] : undefined;
}

/** The mapping at a path of what was parsed, if it is one. */
function objectAt(input: unknown, path: readonly PropertyKey[]): Readonly<Record<string, unknown>> | undefined {
  const here = input === undefined ? undefined : valueAt(input, path);
  return typeof here === 'object' && here !== null && !Array.isArray(here)
    ? (here as Record<string, unknown>)
    : undefined;
}

/**
 * Where a required key is absent from its mapping: that it is missing, with the first sentence of what the schema
 * says the key is (`Host name or IP address of the device.`), instead of the schema library's "expected string,
 * received undefined".
 */
function missingKeyLine(
  path: readonly PropertyKey[],
  schema: z.ZodType | undefined,
  input: unknown,
): string | undefined {
  const key = path.at(-1);
  const parent = input === undefined || path.length === 0 ? undefined : objectAt(input, path.slice(0, -1));
  if (typeof key !== 'string' || !parent || Object.hasOwn(parent, key)) return undefined;
  const said = schema ? fieldsAt(schema, path.slice(0, -1), input).get(key)?.description : undefined;
  const first = said?.match(/^.*?[.;:](?=\s|$)/)?.[0] ?? said;
  const what = first && first.length <= 200 ? ` (${first.replace(/[.;:]$/, '')})` : '';
  return `${formatPath(path)}: missing; it is required${what}`;
}

/** Where a key with a unit in its name (`timeout_ms`) was given text (`1s`): what to write instead. */
function unitHint(path: readonly PropertyKey[], input: unknown): string | undefined {
  const key = path.at(-1);
  const given = input === undefined ? undefined : valueAt(input, path);
  return typeof key === 'string' && typeof given === 'string' ? unitValueHint(key, given) : undefined;
}

/**
 * `schema`, where given (and `input`, what was parsed): an unknown key is named with the key it most likely misspells
 * (`did you mean …?`) among those its object takes, or that another tool's name stands for (`slave_id`:
 * foreign-names.ts), or else with the sibling whose keys take it (indent it under that); a value not allowed with the
 * allowed value another tool's name stands for (`parity: N`), or else those it most likely misspells (all those equally
 * near); text given to a key with a unit in its name (`timeout_ms: 1s`) with the number to write; a key left empty
 * where a mapping or a list is expected is said to be empty (in YAML, what should be indented under it was not).
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, input?: unknown): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? keysAt(schema, issue.path, input) : [];
      for (const key of issue.keys) {
        // A key of ours it misspells first (Telegraf's connect_timeout is a Modbus source's connect_timeout_ms).
        const near = nearestName(key, known);
        const foreign = near ? undefined : foreignKey(key, known);
        const meant = near ?? foreign?.ours;
        const under = meant || !schema ? undefined : siblingTaking(key, issue.path, schema, input);
        const hint = meant
          ? `; did you mean ${meant}?${foreign ? foreignNameNote(key, foreign, objectAt(input, issue.path)) : ''}`
          : under
            ? `; it is a key of ${formatPath([...issue.path, under])}: indent it under ${under}`
            : '';
        lines.push(`${formatPath([...issue.path, key])}: unknown key${hint}`);
      }
    } else if (issue.code === 'invalid_value') {
      const given = input === undefined ? undefined : valueAt(input, issue.path);
      // Each of those equally near (`float`: float32 or float64).
      const allowed = issue.values.map(String);
      const foreign = typeof given === 'string' ? foreignValue(issue.path.at(-1), given, allowed) : undefined;
      const meant = foreign ? [foreign.ours] : typeof given === 'string' ? nearestNames(given, allowed) : [];
      const note =
        foreign && typeof given === 'string'
          ? foreignNameNote(given, foreign, objectAt(input, issue.path.slice(0, -1)))
          : '';
      const hint = meant.length > 0 ? `; did you mean ${meant.map((m) => JSON.stringify(m)).join(' or ')}?${note}` : '';
      lines.push(
        `${formatPath(issue.path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${hint}`,
      );
    } else if (
      issue.code === 'invalid_type' &&
      (issue.expected === 'object' || issue.expected === 'array') &&
      input !== undefined &&
      issue.path.length > 0 &&
      valueAt(input, issue.path) === null
    ) {
      const what = issue.expected === 'object' ? 'a mapping (its keys' : 'a list (its items';
      lines.push(`${formatPath(issue.path)}: empty; expected ${what} on the lines below, indented further)`);
    } else if (issue.code === 'invalid_type' && missingKeyLine(issue.path, schema, input)) {
      lines.push(missingKeyLine(issue.path, schema, input) as string);
    } else if (issue.code === 'invalid_type' && issue.expected === 'number' && unitHint(issue.path, input)) {
      lines.push(`${formatPath(issue.path)}: ${unitHint(issue.path, input)}`);
    } else {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}
