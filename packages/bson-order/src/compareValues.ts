import { bsonTypeOf, CANONICAL_RANK } from './bsonType.js';
import { compareNumbers } from './numbers.js';

// The fields read of bson's classes, by shape: the same in bson 6 and 7.
type BinaryFields = { sub_type: number; buffer: Uint8Array; position: number };
type RegExpFields = { pattern: string; options: string };
type CodeFields = { code: unknown; scope?: Record<string, unknown> | null };
type TimestampFields = { t: number; i: number };

/** Compares two strings; the default is MongoDB's binary (UTF-8 byte) order. */
export type StringComparator = (a: string, b: string) => number;

/**
 * Compares strings by Unicode code point, which is UTF-8 byte order: MongoDB's order without a
 * collation. JS `<` compares UTF-16 code units, which differs only when a surrogate meets a code
 * unit in U+E000..U+FFFF.
 *
 * @example
 * compareStringsBinary('\uffff', '\u{10000}') // -1 (JS `<` says the opposite)
 * compareStringsBinary('B', 'a') // -1
 */
export function compareStringsBinary(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca += ca >= 0xe000 ? -0x800 : 0x2000;
      cb += cb >= 0xe000 ? -0x800 : 0x2000;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return sign(a.length - b.length);
}

function binaryParts(v: unknown): { sub: number; bytes: Uint8Array } {
  if (ArrayBuffer.isView(v)) return { sub: 0, bytes: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) };
  const b = v as BinaryFields;
  return { sub: b.sub_type, bytes: b.buffer.subarray(0, b.position) };
}

function stringOf(v: unknown): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'symbol'
      ? (v.description ?? '')
      : String((v as { value: unknown }).value);
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as RegExpFields;
  return [r.pattern, r.options];
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>, strCmp: StringComparator): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]!];
    const vb = b[kb[i]!];
    // As BSONElement::woCompare: the value's canonical type, then the field name, then the value.
    const rank = CANONICAL_RANK[bsonTypeOf(va)] - CANONICAL_RANK[bsonTypeOf(vb)];
    if (rank !== 0) return sign(rank);
    const name = compareStringsBinary(ka[i]!, kb[i]!);
    if (name !== 0) return name;
    const value = compareWith(va, vb, strCmp);
    if (value !== 0) return value;
  }
  return sign(ka.length - kb.length);
}

function compareArrays(a: unknown[], b: unknown[], strCmp: StringComparator): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareWith(a[i], b[i], strCmp);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

/**
 * {@link compareValues} with a custom string order (a collation's): it orders strings and
 * symbols, at any depth; field names, regexes and code stay in binary order, as in MongoDB.
 *
 * @example
 * const caseless = new Intl.Collator('en', { sensitivity: 'base' }).compare;
 * compareWith({ name: 'Ann' }, { name: 'ann' }, caseless) // 0
 */
export function compareWith(a: unknown, b: unknown, strCmp: StringComparator): number {
  if (a === b) return 0;
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  const ra = CANONICAL_RANK[ta];
  const rb = CANONICAL_RANK[tb];
  if (ra !== rb) return ra < rb ? -1 : 1;
  // Literal ranks (CANONICAL_RANK's values): this switch is on every sort and filter's hot path.
  switch (ra) {
    case 10: // numbers
      return compareNumbers(a, b);
    case 15: // string, symbol
      return sign(strCmp(stringOf(a), stringOf(b)));
    case 20: // object
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>, strCmp);
    case 25: // array
      return compareArrays(a as unknown[], b as unknown[], strCmp);
    case 30: {
      // binData
      const x = binaryParts(a);
      const y = binaryParts(b);
      if (x.bytes.length !== y.bytes.length) return x.bytes.length < y.bytes.length ? -1 : 1;
      if (x.sub !== y.sub) return x.sub < y.sub ? -1 : 1;
      return compareBytes(x.bytes, y.bytes);
    }
    case 35: // objectId
      return compareBytes((a as { id: Uint8Array }).id, (b as { id: Uint8Array }).id);
    case 40: // bool
      return a === b ? 0 : a ? 1 : -1;
    case 45: // date
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case 47: {
      // timestamp
      const x = a as TimestampFields;
      const y = b as TimestampFields;
      return x.t !== y.t ? (x.t < y.t ? -1 : 1) : x.i !== y.i ? (x.i < y.i ? -1 : 1) : 0;
    }
    case 50: {
      // regex
      const [pa, fa] = regexParts(a);
      const [pb, fb] = regexParts(b);
      return compareStringsBinary(pa, pb) || compareStringsBinary(fa, fb);
    }
    case 60: // code
    case 65: {
      // code with scope
      const x = a as CodeFields;
      const y = b as CodeFields;
      const code = compareStringsBinary(String(x.code), String(y.code));
      if (code !== 0 || ra === 60) return code;
      return compareObjects(x.scope ?? {}, y.scope ?? {}, strCmp);
    }
    default:
      // null/undefined/missing, MinKey, MaxKey: all equal within their class.
      return 0;
  }
}

/**
 * MongoDB's BSON comparison order: MinKey < null/undefined/missing < numbers (compared exactly
 * across Int32, Long, Double, Decimal128, JS numbers and bigints) < string/Symbol < Object < Array
 * < BinData < ObjectId < Boolean < Date < Timestamp < RegExp < DBPointer < Code < Code with scope
 * < MaxKey. Objects compare element by element (type, name, value), arrays element-wise, shorter
 * prefix first. A key holding `undefined` counts, with the value of null: the driver writes it as
 * null (unless `ignoreUndefined`, where the key would be gone and never reach a comparison).
 *
 * @example
 * compareValues(Long.fromNumber(2), 1.5) // 1
 * compareValues(null, 0) // -1: types first
 * compareValues({ a: undefined }, { a: null }) // 0
 */
export function compareValues(a: unknown, b: unknown): number {
  return compareWith(a, b, compareStringsBinary);
}
