// "Evaluating Matches" of the unified test format: expected values (with $$ operators) against actual ones.
import { EJSON } from 'bson';
import { describeValue, hasBsonType, isDocument, numericValue, scalarsEqual } from './bsonValues.js';

/** What the special operators need from the running test. */
export interface MatchContext {
  /** A value of the entity map ($$matchesEntity); throws for an unknown name. */
  entity(name: string): unknown;
  /** The lsid document of a session entity ($$sessionLsid); throws for an unknown name. */
  sessionLsid(name: string): unknown;
}

export const noEntities: MatchContext = {
  entity: (name) => {
    throw new Error(`runner: no entity '${name}'`);
  },
  sessionLsid: (name) => {
    throw new Error(`runner: no session '${name}'`);
  },
};

export class MatchError extends Error {
  override name = 'MatchError';
}

/** The key of a special-operator document (its first and only key starts with '$$'), else undefined. */
export function specialOperator(value: unknown): string | undefined {
  if (!isDocument(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith('$$') ? keys[0] : undefined;
}

/**
 * Matches `actual` against `expected`; returns a description of the first mismatch, or undefined.
 * Root-level documents may carry extra fields; nested ones may not.
 */
export function findMismatch(
  expected: unknown,
  actual: unknown,
  ctx: MatchContext,
  root: boolean,
  path = '',
): string | undefined {
  // The driver builds some command fields (sort, hint) as Maps; they are sent as documents.
  if (actual instanceof Map) actual = Object.fromEntries(actual);
  const operator = specialOperator(expected);
  if (operator)
    return matchOperator(operator, (expected as Record<string, unknown>)[operator], actual, ctx, root, path);

  if (isDocument(expected)) {
    if (!isDocument(actual)) return at(path, `expected a document, got ${describeValue(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      const keyPath = path ? `${path}.${key}` : key;
      const actualValue = actual[key];
      const keyOperator = specialOperator(value);
      if (keyOperator === '$$exists') {
        const shouldExist = (value as Record<string, unknown>)[keyOperator] as boolean;
        if (shouldExist !== (actualValue !== undefined)) {
          return at(
            keyPath,
            shouldExist ? 'expected the field to exist' : `expected no field, got ${describeValue(actualValue)}`,
          );
        }
        continue;
      }
      if (keyOperator === '$$unsetOrMatches' && actualValue === undefined) continue;
      if (actualValue === undefined && keyOperator === undefined) return at(keyPath, 'expected the field to exist');
      const mismatch = findMismatch(value, actualValue, ctx, false, keyPath);
      if (mismatch) return mismatch;
    }
    if (!root) {
      const extra = Object.keys(actual).filter((key) => actual[key] !== undefined && !(key in expected));
      if (extra.length > 0) return at(path, `unexpected field(s) ${extra.join(', ')} in ${describeValue(actual)}`);
    }
    return undefined;
  }

  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return at(path, `expected an array, got ${describeValue(actual)}`);
    if (actual.length !== expected.length) {
      return at(path, `expected ${expected.length} element(s), got ${actual.length}: ${describeValue(actual)}`);
    }
    for (let i = 0; i < expected.length; i++) {
      const mismatch = findMismatch(expected[i], actual[i], ctx, false, `${path}[${i}]`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }

  if (!scalarsEqual(expected, actual)) {
    return at(path, `expected ${describeValue(expected)}, got ${describeValue(actual)}`);
  }
  return undefined;
}

function matchOperator(
  operator: string,
  argument: unknown,
  actual: unknown,
  ctx: MatchContext,
  root: boolean,
  path: string,
): string | undefined {
  switch (operator) {
    case '$$exists':
      // Outside a document key position: only "the value is there" can be checked.
      return (actual !== undefined) === argument ? undefined : at(path, `$$exists: ${argument} failed`);
    case '$$unsetOrMatches':
      return actual === undefined ? undefined : findMismatch(argument, actual, ctx, root, path);
    case '$$type': {
      const types = Array.isArray(argument) ? (argument as string[]) : [argument as string];
      if (actual !== undefined && types.some((type) => hasBsonType(actual, type))) return undefined;
      return at(path, `expected type ${types.join('|')}, got ${describeValue(actual)}`);
    }
    case '$$matchesEntity':
      return findMismatch(ctx.entity(argument as string), actual, ctx, root, path);
    case '$$sessionLsid': {
      const lsid = ctx.sessionLsid(argument as string);
      if (actual !== undefined && EJSON.stringify(lsid as never) === EJSON.stringify(actual as never)) return undefined;
      return at(path, `expected the lsid of session ${String(argument)}, got ${describeValue(actual)}`);
    }
    case '$$lte': {
      const limit = numericValue(argument);
      const value = numericValue(actual);
      if (limit === undefined) throw new Error(`runner: $$lte needs a number, got ${describeValue(argument)}`);
      if (value !== undefined && value <= limit) return undefined;
      return at(path, `expected a number <= ${limit}, got ${describeValue(actual)}`);
    }
    case '$$matchAsDocument': {
      if (typeof actual !== 'string') return at(path, `expected an Extended JSON string, got ${describeValue(actual)}`);
      return findMismatch(argument, EJSON.parse(actual, { relaxed: true }), ctx, false, path);
    }
    case '$$matchAsRoot':
      return findMismatch(argument, actual, ctx, true, path);
    case '$$matchesHexBytes': {
      const hex = hexOf(actual);
      if (hex !== undefined && hex === String(argument).toLowerCase()) return undefined;
      return at(path, `expected bytes ${String(argument)}, got ${describeValue(actual)}`);
    }
    default:
      throw new Error(`runner: unsupported operation ${operator}`);
  }
}

function hexOf(value: unknown): string | undefined {
  if (typeof value === 'string') return Buffer.from(value, 'latin1').toString('hex');
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value && typeof value === 'object' && 'buffer' in value) return hexOf((value as { buffer: unknown }).buffer);
  return undefined;
}

function at(path: string, message: string): string {
  return path ? `${path}: ${message}` : message;
}

/** Throws a MatchError describing the first mismatch. `label` says what was matched (e.g. 'result'). */
export function assertMatches(expected: unknown, actual: unknown, ctx: MatchContext, root: boolean, label: string) {
  const mismatch = findMismatch(expected, actual, ctx, root);
  if (mismatch) throw new MatchError(`${label} mismatch at ${mismatch}`);
}

/**
 * Matches an operation result: for iterable results (find, aggregate...) each array element is a root
 * document; otherwise a document result is a root document and any other value matches as is.
 */
export function assertResultMatches(expected: unknown, actual: unknown, ctx: MatchContext, iterable: boolean) {
  if (iterable && Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      throw new MatchError(
        `result mismatch: expected ${expected.length} document(s), got ${actual.length}: ${describeValue(actual)}`,
      );
    }
    expected.forEach((doc, i) => {
      const mismatch = findMismatch(doc, actual[i], ctx, true, `[${i}]`);
      if (mismatch) throw new MatchError(`result mismatch at ${mismatch}`);
    });
    return;
  }
  assertMatches(expected, actual, ctx, true, 'result');
}
