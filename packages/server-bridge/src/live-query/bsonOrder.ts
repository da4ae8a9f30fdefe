import type { Binary, BSONRegExp, Code, Decimal128, Long, ObjectId, Timestamp } from 'mongodb';

/**
 * The `_bsontype` tag of a bson value, or undefined. Tags, not `instanceof`: the driver (CommonJS)
 * and this package (ESM) may hold two copies of the bson classes.
 *
 * @example
 * bsonTag(new ObjectId()) // 'ObjectId'
 */
export function bsonTag(value: unknown): string | undefined {
  const tag = (value as { _bsontype?: unknown } | null)?._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

// MongoDB's comparison order of BSON types (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/).
const RANK = {
  minKey: 0,
  null: 1,
  number: 2,
  string: 3,
  object: 4,
  array: 5,
  binary: 6,
  objectId: 7,
  boolean: 8,
  date: 9,
  timestamp: 10,
  regex: 11,
  code: 12,
  maxKey: 13,
} as const;

/**
 * Rank of a value's BSON type in MongoDB's sort order; `undefined` (a missing field) ranks as null.
 *
 * @example
 * typeRank(null) < typeRank(1) && typeRank(1) < typeRank('a') // true
 */
export function typeRank(value: unknown): number {
  if (value === null || value === undefined) return RANK.null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return RANK.number;
    case 'string':
      return RANK.string;
    case 'boolean':
      return RANK.boolean;
  }
  if (value instanceof Date) return RANK.date;
  if (Array.isArray(value)) return RANK.array;
  if (value instanceof RegExp) return RANK.regex;
  if (value instanceof Uint8Array) return RANK.binary;
  switch (bsonTag(value)) {
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return RANK.number;
    case 'Timestamp':
      return RANK.timestamp;
    case 'ObjectId':
      return RANK.objectId;
    case 'Binary':
      return RANK.binary;
    case 'BSONRegExp':
      return RANK.regex;
    case 'BSONSymbol':
      return RANK.string;
    case 'MinKey':
      return RANK.minKey;
    case 'MaxKey':
      return RANK.maxKey;
    case 'Code':
      return RANK.code;
  }
  return RANK.object;
}

/** A numeric BSON value as an exact bigint when integral, else as a double. */
function numeric(value: unknown): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  switch (bsonTag(value)) {
    case 'Long':
      return (value as Long).toBigInt();
    case 'Int32':
    case 'Double':
      return Number((value as { valueOf(): number }).valueOf());
    case 'Decimal128':
      // Through a double: exact for every value a double holds, approximate beyond.
      return Number((value as Decimal128).toString());
  }
  return Number.NaN;
}

function compareNumbers(a: unknown, b: unknown): number {
  const x = numeric(a);
  const y = numeric(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  // NaN sorts before every other number, as in MongoDB.
  const xn = typeof x === 'number' && Number.isNaN(x);
  const yn = typeof y === 'number' && Number.isNaN(y);
  if (xn || yn) return xn && yn ? 0 : xn ? -1 : 1;
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    // Mixed bigint/double: compare exactly when the double is integral, else through doubles.
    const xi = typeof x === 'bigint' ? x : Number.isInteger(x) ? BigInt(x) : undefined;
    const yi = typeof y === 'bigint' ? y : Number.isInteger(y) ? BigInt(y) : undefined;
    if (xi !== undefined && yi !== undefined) return xi < yi ? -1 : xi > yi ? 1 : 0;
    const xd = Number(x);
    const yd = Number(y);
    return xd < yd ? -1 : xd > yd ? 1 : 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compares strings by code point, which is the UTF-8 byte order MongoDB uses without collation. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (>= 0xD800 < 0xE000) stand for code points above 0xFFFF, which sort after the BMP.
    const xs = x >= 0xd800 && x < 0xe000;
    const ys = y >= 0xd800 && y < 0xe000;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return 0;
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const va = a[fa];
    const vb = b[fb];
    const byType = typeRank(va) - typeRank(vb);
    if (byType !== 0) return byType < 0 ? -1 : 1;
    const byName = compareStrings(fa, fb);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb);
    if (byValue !== 0) return byValue;
  }
  return ka.length - kb.length < 0 ? -1 : ka.length === kb.length ? 0 : 1;
}

/**
 * Compares two BSON values in MongoDB's order (types first, then values; numbers of every BSON
 * numeric type compare by value). Mingo is not used here: it does not know bson's Long/Decimal128.
 *
 * @example
 * compareValues(Long.fromNumber(2), 1.5) // 1
 * compareValues(null, 0) // -1
 */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case RANK.null:
    case RANK.minKey:
    case RANK.maxKey:
      return 0;
    case RANK.number:
      return compareNumbers(a, b);
    case RANK.string:
      return compareStrings(String(a), String(b));
    case RANK.boolean:
      return a === b ? 0 : a ? 1 : -1;
    case RANK.date:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case RANK.objectId:
      return compareStrings((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case RANK.timestamp: {
      const ta = a as Timestamp;
      const tb = b as Timestamp;
      return ta.t !== tb.t ? (ta.t < tb.t ? -1 : 1) : ta.i === tb.i ? 0 : ta.i < tb.i ? -1 : 1;
    }
    case RANK.binary: {
      const [sa, xa] = a instanceof Uint8Array ? [0, a] : [(a as Binary).sub_type, (a as Binary).value()];
      const [sb, xb] = b instanceof Uint8Array ? [0, b] : [(b as Binary).sub_type, (b as Binary).value()];
      if (xa.length !== xb.length) return xa.length < xb.length ? -1 : 1;
      if (sa !== sb) return sa < sb ? -1 : 1;
      return compareBytes(xa, xb);
    }
    case RANK.regex: {
      const pa = a instanceof RegExp ? [a.source, a.flags] : [(a as BSONRegExp).pattern, (a as BSONRegExp).options];
      const pb = b instanceof RegExp ? [b.source, b.flags] : [(b as BSONRegExp).pattern, (b as BSONRegExp).options];
      return compareStrings(pa[0] as string, pb[0] as string) || compareStrings(pa[1] as string, pb[1] as string);
    }
    case RANK.array: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length === xb.length ? 0 : xa.length < xb.length ? -1 : 1;
    }
    case RANK.code:
      return compareStrings((a as Code).code, (b as Code).code);
    default:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
  }
}
