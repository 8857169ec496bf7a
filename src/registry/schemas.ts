/** The registered component types composed into the parts of the configuration schema they fill. */
import { z } from 'zod';
import { ACTION_TYPES, SINK_TYPES, SOURCE_TYPES } from './components.js';

type SchemasOf<T extends readonly { schema: unknown }[]> = { -readonly [K in keyof T]: T[K]['schema'] };
const schemasOf = <T extends readonly { schema: unknown }[]>(types: T) => types.map((t) => t.schema) as SchemasOf<T>;

/** One entry of `sources:`, chosen by `type`. */
export const sourceSchema = z.discriminatedUnion('type', schemasOf(SOURCE_TYPES));

/** One entry of `alarm.actions:`, chosen by `type`. */
export const alarmActionSchema = z.discriminatedUnion('type', schemasOf(ACTION_TYPES));

/** Part actions: the same actions, driven by each part's verdict (e.g. a reject gate on a failed part). */
const verdicts = {
  verdicts: z
    .array(z.enum(['pass', 'fail', 'unknown']))
    .min(1)
    .default(['fail']),
};
type PartSchemasOf<T extends readonly { schema: z.ZodObject }[]> = {
  -readonly [K in keyof T]: T[K]['schema'] extends z.ZodObject<infer Shape, infer Config>
    ? z.ZodObject<z.core.util.Extend<Shape, typeof verdicts>, Config>
    : never;
};
const partSchemasOf = <T extends readonly { schema: z.ZodObject }[]>(types: T) =>
  types.map((t) => t.schema.extend(verdicts)) as PartSchemasOf<T>;

export const partActionSchema = z.discriminatedUnion('type', partSchemasOf(ACTION_TYPES));

type StorageShape<T extends readonly { key: string; schema: z.ZodType }[]> = {
  [E in T[number] as E['key']]: z.ZodOptional<E['schema']>;
};
/** `storage:`, one optional section per sink type. */
export const storageSchema = z
  .strictObject(
    Object.fromEntries(SINK_TYPES.map((t) => [t.key, t.schema.optional()])) as StorageShape<typeof SINK_TYPES>,
  )
  .default({});
