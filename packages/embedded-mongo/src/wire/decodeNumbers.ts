import type { Document } from 'bson';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * True for doubles that would come back as int32 if kept as a JS number: the driver's serializer
 * writes integral numbers in the int32 range (and -0) as int32, so `900.0` would turn into `900`.
 */
function doubleNeedsWrapper(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/**
 * Turns a document deserialized with `promoteValues: false` back into the server's in-memory
 * form: int32 become JS numbers, doubles become JS numbers too, except integral doubles in the
 * int32 range, which stay `Double` so that they keep their BSON type through storage, replies and
 * change events (MongoDB keeps `price: 900.0` a double). Symbols become strings. Mutates in place.
 */
export function decodeNumbers(doc: Document): Document {
  walk(doc);
  return doc;
}

function walk(container: Document | unknown[]): void {
  const keys = Array.isArray(container) ? container.keys() : Object.keys(container);
  for (const key of keys) {
    const value = (container as Record<string | number, unknown>)[key];
    if (value === null || typeof value !== 'object') continue;
    const replaced = decodeValue(value);
    if (replaced !== value) (container as Record<string | number, unknown>)[key] = replaced;
  }
}

function decodeValue(value: object): unknown {
  switch ((value as { _bsontype?: string })._bsontype) {
    case 'Int32':
      return (value as { value: number }).value;
    case 'Double': {
      const n = (value as { value: number }).value;
      return doubleNeedsWrapper(n) ? value : n;
    }
    case 'BSONSymbol':
      return (value as { value: string }).value;
    case undefined:
      if (
        Array.isArray(value) ||
        Object.getPrototypeOf(value) === Object.prototype ||
        Object.getPrototypeOf(value) === null
      )
        walk(value as Document);
      return value;
    default:
      return value;
  }
}
