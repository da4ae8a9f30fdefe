import {
  bsonTag,
  bsonTypeOf,
  CANONICAL_RANK,
  compareNumbers,
  compareWith,
  plainNumberOf,
  type StringComparator,
} from '@mongo-live/bson-order';
import { isNumeric } from '../bsonType.js';
import type { ValuePredicate } from './condition.js';

/**
 * Equality with a query constant, specialised by the constant's type so the per-document test is
 * a cheap check in the common cases (string, number, boolean, null).
 * Null matches null, undefined and missing.
 */
export function equalityPredicate(constant: unknown, strCmp: StringComparator, collated: boolean): ValuePredicate {
  if (constant === null || constant === undefined || bsonTypeOf(constant) === 'undefined') {
    return (v) => v === null || v === undefined;
  }
  if (typeof constant === 'string') {
    if (collated) return (v) => (typeof v === 'string' || isSymbol(v)) && strCmp(stringValue(v), constant) === 0;
    return (v) => v === constant || (isSymbol(v) && stringValue(v) === constant);
  }
  if (typeof constant === 'boolean') return (v) => v === constant;
  if (typeof constant === 'number' && !Number.isNaN(constant)) {
    return (v) => {
      const n = plainNumberOf(v);
      return n !== undefined ? n === constant : isNumeric(v) && compareNumbers(v, constant) === 0;
    };
  }
  const rank = CANONICAL_RANK[bsonTypeOf(constant)];
  return (v) => CANONICAL_RANK[bsonTypeOf(v)] === rank && compareWith(v, constant, strCmp) === 0;
}

function isSymbol(v: unknown): boolean {
  return typeof v === 'object' && v !== null && bsonTag(v) === 'BSONSymbol';
}

function stringValue(v: unknown): string {
  return typeof v === 'string' ? v : String((v as { value: unknown }).value);
}
