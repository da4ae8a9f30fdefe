import type { Document } from 'bson';
import { commandError } from '../errors.js';
import { isPlainObject } from './bsonType.js';
import { cloneValue } from './cloneValue.js';
import { isRegexValue } from './filter/regex.js';

/** `{a: {b: 1}}` literal vs `{a: {$gt: 1}}` operator document (DBRef-like `$ref` keys are literals). */
function isOperatorDocument(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first[0] === '$' && first !== '$ref' && first !== '$id' && first !== '$db';
}

function setSeedPath(seed: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let level = seed;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = level[parts[i]!];
    if (next === undefined) {
      const created: Document = {};
      level[parts[i]!] = created;
      level = created;
    } else if (isPlainObject(next)) {
      level = next;
    } else {
      throw commandError('NotSingleValueField', `cannot infer query fields to set, path '${path}' is matched twice`);
    }
  }
  const last = parts[parts.length - 1]!;
  if (last in level)
    throw commandError('NotSingleValueField', `cannot infer query fields to set, path '${path}' is matched twice`);
  level[last] = cloneValue(value);
}

/** The equality value a query condition pins a field to, if any. */
function equalityOf(condition: unknown): { value: unknown } | undefined {
  if (isRegexValue(condition)) return undefined;
  if (!isOperatorDocument(condition)) return { value: condition };
  if ('$eq' in condition && !isRegexValue(condition.$eq)) return { value: condition.$eq };
  if (Array.isArray(condition.$in) && condition.$in.length === 1 && !isRegexValue(condition.$in[0]))
    return { value: condition.$in[0] };
  if (Array.isArray(condition.$all) && condition.$all.length === 1 && !isPlainObject(condition.$all[0]))
    return { value: condition.$all[0] };
  return undefined;
}

function collect(filter: Document, seed: Document): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and') {
      if (Array.isArray(condition)) for (const branch of condition) if (isPlainObject(branch)) collect(branch, seed);
      continue;
    }
    if (key === '$or' && Array.isArray(condition) && condition.length === 1 && isPlainObject(condition[0])) {
      collect(condition[0], seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    const eq = equalityOf(condition);
    if (eq) setSeedPath(seed, key, eq.value);
  }
}

/**
 * The document an upsert starts from: the fields the query pins by equality (plain values, `$eq`,
 * single-value `$in`/`$all`, inside `$and` and one-branch `$or`), dotted paths expanded into
 * sub-documents. Operators and regexes contribute nothing. A path pinned twice is error 54
 * (NotSingleValueField), as in MongoDB.
 */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  collect(filter, seed);
  if ('_id' in seed) {
    // _id goes first, as MongoDB stores it.
    const { _id, ...rest } = seed;
    return { _id, ...rest };
  }
  return seed;
}
