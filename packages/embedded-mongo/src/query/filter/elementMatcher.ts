import { compareStringsBinary } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { isPlainObject } from '../bsonType.js';
import { compileFilter } from './compileFilter.js';
import type { CompileContext, ValuePredicate } from './condition.js';
import { equalityPredicate } from './equality.js';
import { compileOperators } from './fieldOperators.js';
import { isRegexValue, regexPredicate, regexSource, toRegExp } from './regex.js';

const LOGICAL = new Set(['$and', '$or', '$nor', '$expr']);

/**
 * A predicate over array elements in the three forms `$pull` (and `$elemMatch`) accept: an
 * operator document tests the element itself (`{$gte: 5}`), another document is a query over
 * document elements (`{score: {$lt: 5}}`), anything else is equality (or a regex match).
 */
export function compileElementMatcher(condition: unknown, options: { collation?: Document } = {}): ValuePredicate {
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length > 0 && keys.every((k) => k.startsWith('$') && !LOGICAL.has(k))) {
      const ctx: CompileContext = {
        strCmp: compareStringsBinary,
        collated: false,
        collation: undefined,
        variables: undefined,
      };
      return compileOperators([], condition, ctx).value;
    }
    const query = compileFilter(condition, options);
    return (element) => isPlainObject(element) && query(element);
  }
  if (isRegexValue(condition)) {
    const r = regexSource(condition)!;
    return regexPredicate(toRegExp(r.pattern, r.options));
  }
  return equalityPredicate(condition, compareStringsBinary, false);
}
