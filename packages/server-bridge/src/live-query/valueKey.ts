import { bsonTag } from '@mongo-live/bson-order';
import { EJSON, type ObjectId } from '../driverBson.js';
import { normalizeNumbers } from './normalize.js';

/**
 * A string that is equal for two values exactly when MongoDB's equality holds for them (numbers of
 * any BSON numeric type compare by value). Used as a map key for `_id`s and equality predicates.
 *
 * @example
 * valueKey(Long.fromNumber(5)) === valueKey(5) // true
 */
export function valueKey(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'undefined':
      return 'z';
  }
  if (value === null) return 'z';
  if (bsonTag(value) === 'ObjectId') return `o${(value as ObjectId).toHexString()}`;
  const normal = normalizeNumbers(value);
  if (typeof normal === 'number') return `n${normal}`;
  return `j${EJSON.stringify(normal, { relaxed: false })}`;
}
