/**
 * What a number written to a node (an alarm's opcua_write) is sent as: the built-in type the node's DataType is built
 * on. A DataType may be a subtype (Duration, i=290, of Double; UtcTime of DateTime; an enumeration of Int32 by way of
 * Enumeration; a plant's own types), which the server's own encoding does not know by its number: it is followed up
 * its supertypes on the server (basicDataType: a Browse a level), once a node a connection. A number a node's type
 * cannot hold (a Boolean, a UtcTime, a structure; a fraction or a value out of range for an integer type) is refused
 * here, naming the node, its DataType and why, before anything is sent: node-opcua would cut 1.5 to 1 for an Int32, or
 * fail with "Invalid variant".
 *
 * An abstract DataType (BaseDataType, Number, Integer, UInteger, or a plant's abstract subtype of one) is built on no
 * single built-in type: basicDataType follows it to BaseDataType (Variant). A server takes any of its subtypes
 * (node-opcua's validateDataTypeCorrectness: an Int16 or a Double for Number), a PLC often only the one its tag is:
 * such a node is written as the built-in type of the value it holds, read once a connection with its DataType. One
 * that holds nothing or an array is refused, naming the node, its DataType and why.
 *
 * A write the server refuses as BadTypeMismatch reads the node's DataType and ValueRank again (readRefusedType), to
 * say what it takes.
 */
import {
  AttributeIds,
  BrowseDirection,
  DataType,
  DataTypeIds,
  NodeId,
  NodeIdType,
  ReferenceTypeIds,
  VariantArrayType,
  type ClientSession,
} from 'node-opcua';
import { firstLine, qualityOf } from './opcua-value.js';
import type { NodeTypeFacts } from './type-mismatch.js';

/** The integer built-in types and the values each holds (Int64, UInt64: those a number holds exactly). */
const INTEGER_RANGES = new Map<DataType, readonly [number, number]>([
  [DataType.SByte, [-128, 127]],
  [DataType.Byte, [0, 255]],
  [DataType.Int16, [-32_768, 32_767]],
  [DataType.UInt16, [0, 65_535]],
  [DataType.Int32, [-2_147_483_648, 2_147_483_647]],
  [DataType.UInt32, [0, 4_294_967_295]],
  [DataType.Int64, [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]],
  [DataType.UInt64, [0, Number.MAX_SAFE_INTEGER]],
]);

/** The largest finite Float. */
const FLOAT_MAX = 3.4028234663852886e38;

/** The names of the standard DataTypes by their numeric id in namespace 0 ("UtcTime" for 294). */
const STANDARD_NAMES = new Map<number, string>(Object.entries(DataTypeIds).map(([name, id]) => [id as number, name]));

/** A DataType in words: a standard one by name and id ("UtcTime (i=294)"), another by its node id. */
export function dataTypeName(id: { readonly namespace: number; readonly value: unknown; toString(): string }): string {
  const name = id.namespace === 0 && typeof id.value === 'number' ? STANDARD_NAMES.get(id.value) : undefined;
  return name ? `${name} (i=${id.value as number})` : id.toString();
}

/** A built-in type in words, with what it means where its name does not say. */
function baseName(base: DataType): string {
  if (base === DataType.ExtensionObject) return 'ExtensionObject (a structure)';
  return DataType[base] ?? `built-in type ${base}`;
}

const ONLY_NUMERIC =
  'a number is written only to a numeric node (SByte to Double, or a subtype of one, such as Duration or an enumeration)';

/**
 * A node's DataType: its id in words, and the built-in type a number is written as: the one the DataType is built on,
 * or, where it is abstract (`held`), the one of the value the node holds.
 */
export interface WriteType {
  readonly typeName: string;
  readonly base: DataType;
  readonly held?: boolean;
}

/**
 * The built-in type `value` is written as to `nodeId`, whose DataType is `type`; or why it cannot be, in words that
 * name the node. Pure.
 */
export function numberWriteType(nodeId: string, type: WriteType, value: number): DataType | string {
  const { base } = type;
  const where = `write ${nodeId}: its DataType ${type.typeName}`;
  const built = (as = 'built on') => (type.held ? `is abstract and the node holds` : `is ${as}`);
  const range = INTEGER_RANGES.get(base);
  if (range) {
    const [min, max] = range;
    if (Number.isInteger(value) && value >= min && value <= max) return base;
    return `${where} ${built(base === DataType.Int64 || base === DataType.UInt64 ? 'written as' : 'built on')} ${DataType[base]}, which holds whole numbers from ${min} to ${max}: ${value} is not one`;
  }
  if (base === DataType.Double) return base;
  if (base === DataType.Float) {
    if (Math.abs(value) <= FLOAT_MAX || !Number.isFinite(value)) return base;
    return `${where} ${built()} Float, which holds up to ±${FLOAT_MAX}: ${value} is not one`;
  }
  if (base === DataType.Boolean) return `${where} ${built()} Boolean: write true or false to it, not ${value}`;
  return `${where} ${built()} ${baseName(base)}: ${ONLY_NUMERIC}`;
}

/** Far deeper than any DataType hierarchy (the standard's deepest is a few levels): a server's loop is cut here. */
export const MAX_SUPERTYPES = 32;

/**
 * The built-in type `typeId` is built on: followed up its supertypes (a Browse a level, inverse HasSubtype) to a
 * namespace-0 type of number 1–25 (Enumeration: Int32), with node-opcua's rule, but never round a loop (a hostile or
 * broken server's A subtype of B subtype of A browsed for ever, 1,100 Browse requests a second) nor deeper than
 * MAX_SUPERTYPES, and a type that has no supertype said as that (node-opcua threw a TypeError). A numeric id of another
 * namespace is no built-in type, whatever its number.
 */
export async function basicDataType(session: ClientSession, typeId: NodeId): Promise<DataType> {
  const seen = new Set<string>();
  for (let id = typeId; ;) {
    if (id.namespace === 0 && id.identifierType === NodeIdType.NUMERIC) {
      if (id.value === DataTypeIds.Enumeration) return DataType.Int32;
      if ((id.value as number) <= DataType.DiagnosticInfo) return id.value as DataType;
    }
    if (seen.has(id.toString())) throw new Error(`its supertypes loop back to ${dataTypeName(id)}`);
    if (seen.size >= MAX_SUPERTYPES) throw new Error(`more than ${MAX_SUPERTYPES} supertypes deep`);
    seen.add(id.toString());
    const result = await session.browse({
      nodeId: id,
      browseDirection: BrowseDirection.Inverse,
      referenceTypeId: ReferenceTypeIds.HasSubtype,
      includeSubtypes: false,
      resultMask: 0,
    });
    const up = result.references?.[0]?.nodeId;
    if (!up) throw new Error(`${dataTypeName(id)} has no supertype (${result.statusCode.name})`);
    id = up;
  }
}

/**
 * The DataType of `nodeId` on `session` and the built-in type a number is written as: undefined where the server does
 * not say (its DataType attribute is not readable); rejects, naming the node and the DataType, where its supertypes
 * cannot be followed to a built-in type, or where it is abstract and the node holds no single value (heldType).
 */
export async function readWriteType(session: ClientSession, nodeId: string): Promise<WriteType | undefined> {
  const [dv] = await session.read([{ nodeId, attributeId: AttributeIds.DataType }]);
  const typeId: unknown = dv.value?.value;
  if (dv.statusCode.value !== 0 || !(typeId instanceof NodeId)) return undefined;
  const typeName = dataTypeName(typeId);
  let base: DataType;
  try {
    base = await basicDataType(session, typeId);
  } catch (err) {
    throw new Error(
      `write ${nodeId}: its DataType ${typeName} could not be followed to a built-in type on the server: ${firstLine((err as Error)?.message ?? String(err))}`,
      { cause: err },
    );
  }
  if (base !== DataType.Variant) return { typeName, base };
  const [held] = await session.read([{ nodeId, attributeId: AttributeIds.Value }]);
  const length: unknown = (held.value?.value as { length?: unknown } | null | undefined)?.length;
  const type = heldType(`write ${nodeId}: its DataType ${typeName} is abstract`, {
    status: qualityOf(held.statusCode.value) === 'bad' ? held.statusCode.name : undefined,
    dataType: held.value?.dataType ?? DataType.Null,
    scalar: (held.value?.arrayType ?? VariantArrayType.Scalar) === VariantArrayType.Scalar,
    length: typeof length === 'number' ? length : undefined,
  });
  if (typeof type === 'string') throw new Error(type);
  return { typeName, base: type, held: true };
}

/** What a Read of a node's value gave: its status code's name where Bad, its variant's type and shape. */
export interface HeldValue {
  readonly status: string | undefined;
  readonly dataType: DataType;
  readonly scalar: boolean;
  readonly length?: number;
}

/**
 * The built-in type a number is written as to a node of an abstract DataType (`where` says which): that of the single
 * value it holds; or why there is none, after `where`. Pure.
 */
export function heldType(where: string, held: HeldValue): DataType | string {
  const why = 'a number is written to it as the built-in type of the value it holds';
  if (held.status !== undefined) return `${where}: ${why}, and its value could not be read (${held.status})`;
  if (!held.scalar) {
    const what = held.length === undefined ? 'an array of' : `an array of ${held.length}`;
    return `${where}: ${why}, and it holds ${what} ${DataType[held.dataType] ?? held.dataType}, not a single value`;
  }
  if (held.dataType === DataType.Null) return `${where}: ${why}, and it holds none (a null value)`;
  return held.dataType;
}

function kindOf(base: DataType): NodeTypeFacts['kind'] {
  if (base === DataType.Boolean) return 'boolean';
  if (base >= DataType.SByte && base <= DataType.Double) return 'numeric';
  if (base === DataType.Variant) return 'abstract';
  return 'other';
}

/**
 * What a node that refused a write as BadTypeMismatch takes (type-mismatch.ts): its DataType and ValueRank (one Read),
 * the DataType followed to its built-in type; never rejects: what could not be read is said in `unreadable`.
 */
export async function readRefusedType(session: ClientSession, nodeId: string): Promise<NodeTypeFacts> {
  let values;
  try {
    values = await session.read([
      { nodeId, attributeId: AttributeIds.DataType },
      { nodeId, attributeId: AttributeIds.ValueRank },
    ]);
  } catch (err) {
    return { kind: 'unknown', unreadable: firstLine((err as Error)?.message ?? String(err)) };
  }
  const [typeValue, rankValue] = values;
  const rank: unknown = rankValue?.statusCode.value === 0 ? rankValue.value?.value : undefined;
  const valueRank = typeof rank === 'number' ? { valueRank: rank } : {};
  const typeId: unknown = typeValue?.value?.value;
  if (typeValue?.statusCode.value !== 0 || !(typeId instanceof NodeId))
    return { kind: 'unknown', unreadable: typeValue?.statusCode.name ?? 'no value', ...valueRank };
  const typeName = dataTypeName(typeId);
  try {
    const base = await basicDataType(session, typeId);
    return { typeName, base: DataType[base] ?? `built-in type ${base}`, kind: kindOf(base), ...valueRank };
  } catch (err) {
    return { typeName, kind: 'unknown', unreadable: firstLine((err as Error)?.message ?? String(err)), ...valueRank };
  }
}
