import { bsonTag } from '@mongo-live/bson-order';
import type { BSONRegExp, Document } from 'mongodb';
import { BridgeError } from '../errors.js';
import { normalizeNumbers } from '../live-query/normalize.js';

const LOGICAL = new Set(['$and', '$or', '$nor']);
const REGEX_EXPRESSIONS = new Set(['$regexMatch', '$regexFind', '$regexFindAll']);

/**
 * A decoded client filter as mingo must see it: numbers as JS numbers, `$comment` removed (mingo
 * refuses it; MongoDB ignores it), and BSON regular expressions (`{ $regularExpression }` decodes
 * to `BSONRegExp`, which mingo would compare as an opaque value, so regex filters never matched)
 * turned into RegExps where MongoDB treats them as patterns: as a field's condition, in `$regex`,
 * `$in`, `$nin`, `$not`, `$elemMatch`, `$all`, and as the `regex` of `$regexMatch` & co.
 *
 * @example
 * prepareFilter({ name: BSONRegExp('^a', 'i'), $comment: 'ui' }) // { name: /^a/i }
 */
export function prepareFilter(filter: Document): Document {
  return filterOf(normalizeNumbers(filter));
}

/** A decoded client pipeline as mingo must see it (see {@link prepareFilter}). */
export function preparePipeline(stages: readonly Document[]): Document[] {
  return normalizeNumbers(stages as Document[]).map((stage) => {
    const [name, body] = Object.entries(stage)[0] ?? [];
    if (name === undefined) return stage;
    if (name === '$match') return { $match: filterOf(body as Document) };
    return { [name]: expressionOf(body) };
  });
}

function filterOf(filter: Document): Document {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return filter;
  const out: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$comment') continue;
    if (LOGICAL.has(key)) out[key] = Array.isArray(value) ? value.map((f) => filterOf(f as Document)) : value;
    else if (key === '$expr') out[key] = expressionOf(value);
    else if (key.startsWith('$')) out[key] = value;
    else out[key] = conditionOf(value);
  }
  return out;
}

function conditionOf(condition: unknown): unknown {
  if (isBsonRegExp(condition)) return toRegExp(condition);
  if (!isOperatorObject(condition)) return condition;
  const out: Document = {};
  for (const [op, value] of Object.entries(condition)) {
    if (op === '$regex') out[op] = isBsonRegExp(value) ? toRegExp(value) : value;
    else if (op === '$in' || op === '$nin' || op === '$all')
      out[op] = Array.isArray(value)
        ? value.map((v) => (isBsonRegExp(v) ? toRegExp(v) : op === '$all' && isOperatorObject(v) ? conditionOf(v) : v))
        : value;
    else if (op === '$not') out[op] = conditionOf(value);
    else if (op === '$elemMatch') out[op] = isOperatorObject(value) ? conditionOf(value) : filterOf(value as Document);
    else out[op] = value;
  }
  return out;
}

/** Expressions: only the `regex` argument of the regex operators is a pattern. */
function expressionOf(expr: unknown): unknown {
  if (Array.isArray(expr)) return expr.map(expressionOf);
  if (expr === null || typeof expr !== 'object' || bsonTag(expr) !== undefined || expr instanceof Date) return expr;
  const out: Document = {};
  for (const [key, value] of Object.entries(expr)) {
    if (key === '$literal') out[key] = value;
    else if (REGEX_EXPRESSIONS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const args = expressionOf(value) as Document;
      if (isBsonRegExp((value as Document).regex)) args.regex = toRegExp((value as Document).regex);
      out[key] = args;
    } else out[key] = expressionOf(value);
  }
  return out;
}

function isOperatorObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || bsonTag(value) !== undefined) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function isBsonRegExp(value: unknown): value is BSONRegExp {
  return value !== null && typeof value === 'object' && bsonTag(value) === 'BSONRegExp';
}

function toRegExp(value: BSONRegExp): RegExp {
  for (const flag of value.options)
    if (!'imsu'.includes(flag))
      throw new BridgeError('INVALID_REQUEST', `regular expression option '${flag}' is not supported by the bridge`);
  try {
    return new RegExp(value.pattern, value.options);
  } catch (error) {
    throw new BridgeError('INVALID_REQUEST', `invalid regular expression: ${(error as Error).message}`);
  }
}
