/**
 * Pure encoding and decoding of Modbus register values. Byte orders name the position of
 * the bytes of a big-endian value: ABCD is big-endian, CDAB swaps the 16-bit words
 * ("word swap", common on PLCs), BADC swaps the bytes inside each word, DCBA is little-endian.
 * For 64-bit values the same rule applies to all four words.
 */

export const REGISTER_TYPES = [
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
  'bit',
] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

export const BYTE_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export type ByteOrder = (typeof BYTE_ORDERS)[number];

/** A tag's type: a number (REGISTER_TYPES) or text over `length` registers (two characters each). */
export type TagType = RegisterType | 'string';
export const TAG_TYPES = [...REGISTER_TYPES, 'string'] as const;

/** How many registers a tag occupies: `length` for text, else registerCount(type). */
export function tagRegisterCount(type: TagType, length = 1): number {
  return type === 'string' ? length : registerCount(type);
}

/** How many 16-bit registers a value of this type occupies. */
export function registerCount(type: RegisterType): number {
  switch (type) {
    case 'int16':
    case 'uint16':
    case 'bit':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4;
  }
}

/** Reorders register words into big-endian bytes (or back: the mapping is its own inverse). */
function wordsToBigEndianBytes(words: readonly number[], order: ByteOrder): Uint8Array {
  const n = words.length;
  const out = new Uint8Array(n * 2);
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  for (let i = 0; i < n; i++) {
    const w = words[swapWords ? n - 1 - i : i] & 0xffff;
    const hi = w >> 8;
    const lo = w & 0xff;
    out[2 * i] = swapBytes ? lo : hi;
    out[2 * i + 1] = swapBytes ? hi : lo;
  }
  return out;
}

function bigEndianBytesToWords(bytes: Uint8Array, order: ByteOrder): number[] {
  const n = bytes.length / 2;
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const words = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const hi = bytes[2 * i];
    const lo = bytes[2 * i + 1];
    const w = swapBytes ? (lo << 8) | hi : (hi << 8) | lo;
    words[swapWords ? n - 1 - i : i] = w;
  }
  return words;
}

/**
 * Decodes the raw value of `type` from `words` (exactly registerCount(type) registers).
 * `bit` selects a bit (0 = least significant) of a single register and yields 0 or 1.
 */
export function decodeRegisters(words: readonly number[], type: RegisterType, order: ByteOrder, bit = 0): number {
  const expected = registerCount(type);
  if (words.length !== expected) {
    throw new RangeError(`${type} needs ${expected} register(s), got ${words.length}`);
  }
  if (type === 'bit') return (words[0] >> bit) & 1;
  const bytes = wordsToBigEndianBytes(words, order);
  const view = new DataView(bytes.buffer);
  switch (type) {
    case 'int16':
      return view.getInt16(0);
    case 'uint16':
      return view.getUint16(0);
    case 'int32':
      return view.getInt32(0);
    case 'uint32':
      return view.getUint32(0);
    case 'int64':
      return Number(view.getBigInt64(0));
    case 'uint64':
      return Number(view.getBigUint64(0));
    case 'float32':
      return view.getFloat32(0);
    case 'float64':
      return view.getFloat64(0);
  }
}

/** What each number type holds: its least and greatest values, and the greatest as written. */
const RANGES: Record<Exclude<RegisterType, 'bit'>, readonly [number, number, string]> = {
  int16: [-32768, 32767, '32767'],
  uint16: [0, 65535, '65535'],
  int32: [-(2 ** 31), 2 ** 31 - 1, '2147483647'],
  uint32: [0, 2 ** 32 - 1, '4294967295'],
  // 2^63 - 1 and 2^64 - 1 are no doubles: a value must be below 2^63 and 2^64, which are.
  int64: [-(2 ** 63), 2 ** 63, '9223372036854775807'],
  uint64: [0, 2 ** 64, '18446744073709551615'],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38, '3.4028234663852886e38'],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE, String(Number.MAX_VALUE)],
};

/** A raw value that `type` cannot hold: the value as it would be written (an integer type's rounded), and the range. */
export interface OutOfRange {
  readonly raw: number;
  readonly range: string;
}

/**
 * Whether `raw` fits `type` as encodeRegisters writes it (an integer type's value rounded): undefined where it does.
 * DataView would otherwise write it wrapped (70000 as a uint16 is 4464, -1 is 65535), a finite float32 too large as
 * infinity.
 */
export function outOfRange(raw: number, type: Exclude<RegisterType, 'bit'>): OutOfRange | undefined {
  const [least, greatest, shown] = RANGES[type];
  const float = type === 'float32' || type === 'float64';
  const value = float ? raw : Math.round(raw);
  const wide = type === 'int64' || type === 'uint64';
  // A float's infinities and NaN are its own values; a finite one past float32's greatest would become infinity.
  const fits = (float && !Number.isFinite(value)) || (value >= least && (wide ? value < greatest : value <= greatest));
  return fits ? undefined : { raw: value, range: `${least === -greatest ? '±' : `${least}..`}${shown}` };
}

/** Encodes a raw value into registers, the inverse of decodeRegisters (integers are rounded); throws (RangeError) for
 * a value its type cannot hold (outOfRange). */
export function encodeRegisters(value: number, type: RegisterType, order: ByteOrder): number[] {
  if (type === 'bit') throw new RangeError('a bit is written as part of its register, not encoded alone');
  const out = outOfRange(value, type);
  if (out) throw new RangeError(`${out.raw} is out of range for ${type} (${out.range})`);
  const bytes = new Uint8Array(registerCount(type) * 2);
  const view = new DataView(bytes.buffer);
  const int = Math.round(value);
  switch (type) {
    case 'int16':
      view.setInt16(0, int);
      break;
    case 'uint16':
      view.setUint16(0, int);
      break;
    case 'int32':
      view.setInt32(0, int);
      break;
    case 'uint32':
      view.setUint32(0, int);
      break;
    case 'int64':
      view.setBigInt64(0, BigInt(int));
      break;
    case 'uint64':
      view.setBigUint64(0, BigInt(int));
      break;
    case 'float32':
      view.setFloat32(0, value);
      break;
    case 'float64':
      view.setFloat64(0, value);
      break;
  }
  return bigEndianBytesToWords(bytes, order);
}

const utf8 = new TextDecoder('utf-8');
const toUtf8 = new TextEncoder();

/**
 * Text from `count` registers at `offset`, two bytes per register, the first character in the
 * high byte for ABCD (BADC: in the low byte; CDAB and DCBA also reverse the register order, as
 * for numbers). Ends at the first NUL; trailing blanks (space padding) are dropped.
 */
export function decodeText(words: readonly number[], offset: number, count: number, order: ByteOrder): string {
  const bytes = wordsToBigEndianBytes(words.slice(offset, offset + count), order);
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0x20) end--;
  return utf8.decode(bytes.subarray(0, end));
}

/** `text` cut to at most `bytes` UTF-8 bytes, never inside a character. */
export function fitText(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = toUtf8.encode(ch).length;
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** Registers holding `text` (UTF-8, NUL-padded to `count` registers): the inverse of decodeText. */
export function encodeText(text: string, count: number, order: ByteOrder): number[] {
  const encoded = toUtf8.encode(text);
  if (encoded.length > count * 2)
    throw new RangeError(`"${text}" needs ${encoded.length} bytes, ${count} register(s) hold ${count * 2}`);
  const bytes = new Uint8Array(count * 2);
  bytes.set(encoded);
  return bigEndianBytesToWords(bytes, order);
}

/**
 * The value of a 64-bit integer (int64, uint64) in `words` (four registers from `offset`), where a number cannot hold
 * it exactly: past 2^53 decoding rounds it to the nearest double (-9007199254740993 reads -9007199254740992).
 * Undefined where the number is exact.
 */
export function roundedInteger(
  words: readonly number[],
  offset: number,
  type: 'int64' | 'uint64',
  order: ByteOrder,
): bigint | undefined {
  const view = new DataView(wordsToBigEndianBytes(words.slice(offset, offset + 4), order).buffer);
  const exact = type === 'int64' ? view.getBigInt64(0) : view.getBigUint64(0);
  return BigInt(Number(exact)) === exact ? undefined : exact;
}

/** Decodes one value at `offset` of a read's registers; see compileDecoder. */
export type RegisterDecoder = (words: readonly number[], offset: number) => number;

const swap16 = (w: number) => ((w & 0xff) << 8) | ((w >> 8) & 0xff);

/**
 * A decoder for one tag, built once: the same results as decodeRegisters, without allocating for
 * the 16- and 32-bit integer types that make up most register maps (the hot path of polling).
 */
export function compileDecoder(type: RegisterType, order: ByteOrder, bit = 0): RegisterDecoder {
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const word = swapBytes ? swap16 : (w: number) => w & 0xffff;
  switch (type) {
    case 'bit':
      return (w, o) => (w[o] >> bit) & 1;
    case 'uint16':
      return (w, o) => word(w[o]);
    case 'int16':
      return (w, o) => (word(w[o]) << 16) >> 16;
    case 'uint32':
      return swapWords ? (w, o) => word(w[o + 1]) * 65536 + word(w[o]) : (w, o) => word(w[o]) * 65536 + word(w[o + 1]);
    case 'int32':
      return swapWords ? (w, o) => (word(w[o + 1]) << 16) | word(w[o]) : (w, o) => (word(w[o]) << 16) | word(w[o + 1]);
    default: {
      const n = registerCount(type);
      return (w, o) => decodeRegisters(w.slice(o, o + n), type, order, bit);
    }
  }
}

/** The digits after the point of `x` as written (0.001: 3), where 12 or fewer give it exactly; else undefined. */
function decimalsOf(x: number): number | undefined {
  for (let d = 0; d <= 12; d++) if (Math.round(x * 10 ** d) / 10 ** d === x) return d;
  return undefined;
}

/**
 * Engineering values from raw register values, raw × scale + offset, that read as written: an integer raw value with a
 * decimal scale or offset is worked in integers and divided by a power of ten once, so 293 × 0.0001 is 0.0293, not
 * 0.029300000000000003 (nor 0.1 + 0.2 noise from the offset). A raw value that is no integer (float32), or a product
 * past 2^53, is multiplied as it is.
 */
export function toEngineering(scale: number, offset: number): (raw: number) => number {
  const plain = (raw: number) => raw * scale + offset;
  const ds = decimalsOf(scale);
  const doff = decimalsOf(offset);
  if (ds === undefined || doff === undefined || Math.max(ds, doff) === 0) return plain;
  const k = Math.max(ds, doff);
  const denominator = 10 ** k;
  const factor = Math.round(scale * 10 ** ds) * 10 ** (k - ds);
  const added = Math.round(offset * 10 ** doff) * 10 ** (k - doff);
  return (raw) => {
    const n = raw * factor + added;
    return Number.isInteger(raw) && Math.abs(n) <= Number.MAX_SAFE_INTEGER ? n / denominator : plain(raw);
  };
}

/** Raw register value from an engineering value, the inverse of toEngineering. */
export function fromEngineering(value: number, scale: number, offset: number): number {
  return (value - offset) / scale;
}
