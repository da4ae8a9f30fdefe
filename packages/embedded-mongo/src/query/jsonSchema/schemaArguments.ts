import { compareValues } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { isNumeric, isPlainObject } from '../bsonType.js';
import { toJsNumber } from '../numeric.js';

/**
 * Argument checks of `$jsonSchema` keywords, with the errors mongod reports for a malformed
 * schema (at create/collMod/find time, before any document is read).
 */

/** Keywords mongod knows but does not implement. */
export const UNSUPPORTED_KEYWORDS = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);

/** Every keyword this implementation compiles. */
export const KNOWN_KEYWORDS = new Set([
  'type',
  'bsonType',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'enum',
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'patternProperties',
  'additionalProperties',
  'required',
  'minProperties',
  'maxProperties',
  'dependencies',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'title',
  'description',
]);

export function schemaObject(value: unknown, what: string): Document {
  if (!isPlainObject(value)) throw commandError('TypeMismatch', `${what} must be an object`);
  return value;
}

export function numberArgument(schema: Document, keyword: string): unknown {
  const value = schema[keyword];
  if (!isNumeric(value)) throw commandError('TypeMismatch', `$jsonSchema keyword '${keyword}' must be a number`);
  return value;
}

export function booleanArgument(schema: Document, keyword: string): boolean {
  const value = schema[keyword];
  if (typeof value !== 'boolean')
    throw commandError('TypeMismatch', `$jsonSchema keyword '${keyword}' must be a boolean`);
  return value;
}

export function stringArgument(schema: Document, keyword: string): string {
  const value = schema[keyword];
  if (typeof value !== 'string')
    throw commandError('TypeMismatch', `$jsonSchema keyword '${keyword}' must be a string`);
  return value;
}

/** minLength, maxItems, ...: a non-negative integer (any numeric type). */
export function countArgument(schema: Document, keyword: string): number {
  const n = toJsNumber(numberArgument(schema, keyword));
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
    throw commandError('FailedToParse', `$jsonSchema keyword '${keyword}' must be a representable nonnegative integer`);
  }
  return n;
}

/** A non-empty array without duplicates (enum, required, property dependencies). */
export function uniqueArray(value: unknown, keyword: string, strings: boolean): unknown[] {
  if (!Array.isArray(value)) throw commandError('TypeMismatch', `$jsonSchema keyword '${keyword}' must be an array`);
  if (value.length === 0)
    throw commandError('FailedToParse', `$jsonSchema keyword '${keyword}' cannot be an empty array`);
  if (strings && value.some((v) => typeof v !== 'string')) {
    throw commandError('TypeMismatch', `$jsonSchema keyword '${keyword}' must be an array of strings`);
  }
  for (let i = 0; i < value.length; i++) {
    for (let j = i + 1; j < value.length; j++) {
      if (compareValues(value[i], value[j]) === 0) {
        throw commandError('FailedToParse', `$jsonSchema keyword '${keyword}' array cannot contain duplicate values`);
      }
    }
  }
  return value;
}

/** allOf / anyOf / oneOf: a non-empty array of schemas. */
export function schemaArray(value: unknown, keyword: string): Document[] {
  if (!Array.isArray(value)) throw commandError('TypeMismatch', `$jsonSchema keyword '${keyword}' must be an array`);
  if (value.length === 0)
    throw commandError('FailedToParse', `$jsonSchema keyword '${keyword}' must be a non-empty array`);
  return value.map((v) => schemaObject(v, `$jsonSchema keyword '${keyword}' elements`));
}

/** The schema's annotations (`title`, `description`), which errors repeat next to their details. */
export function annotationsOf(schema: Document): Document {
  const out: Document = {};
  for (const keyword of ['title', 'description']) {
    if (schema[keyword] === undefined) continue;
    out[keyword] = stringArgument(schema, keyword);
  }
  return out;
}

/** Checks the schema's keyword names: unsupported ones and unknown ones fail as in mongod. */
export function checkKeywords(schema: Document): void {
  for (const keyword of Object.keys(schema)) {
    if (KNOWN_KEYWORDS.has(keyword)) continue;
    if (UNSUPPORTED_KEYWORDS.has(keyword)) {
      throw commandError('FailedToParse', `$jsonSchema keyword '${keyword}' is not currently supported`);
    }
    if (keyword === 'encrypt' || keyword === 'encryptMetadata') {
      throw commandError('NotImplemented', `$jsonSchema keyword '${keyword}' is not supported by the embedded server`);
    }
    throw commandError('FailedToParse', `Unknown $jsonSchema keyword: ${keyword}`);
  }
  if (schema.type !== undefined && schema.bsonType !== undefined) {
    throw commandError('FailedToParse', "Cannot specify both $jsonSchema keywords 'type' and 'bsonType'");
  }
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (schema[exclusive] !== undefined && schema[bound] === undefined) {
      throw commandError(
        'FailedToParse',
        `$jsonSchema keyword '${bound}' must be a present if ${exclusive} is present`,
      );
    }
  }
}
