import { bsonTypeOf, compareNumbers, compareValues } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { isNumeric, isPlainObject } from '../bsonType.js';
import { toRegExp } from '../filter/regex.js';
import { compileTypeMatch } from '../filter/typeMatch.js';
import { toJsNumber } from '../numeric.js';
import { allOf, type CompiledSchema, fail, failureOf, onType, type Rule, type SchemaCompiler } from './rule.js';
import { booleanArgument, countArgument, numberArgument, schemaObject, stringArgument } from './schemaArguments.js';

/** `$jsonSchema` keywords on values: type / bsonType, numbers, strings and arrays. */

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const JSON_TYPES: Readonly<Record<string, (v: unknown) => boolean>> = {
  object: isPlainObject,
  array: Array.isArray,
  number: isNumeric,
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  null: (v) => v === null,
};

export function typeRule(schema: Document, keyword: 'type' | 'bsonType'): Rule {
  const spec = schema[keyword];
  if (typeof spec !== 'string' && !Array.isArray(spec)) {
    throw commandError(
      'TypeMismatch',
      `$jsonSchema keyword '${keyword}' must be either a string or an array of strings`,
    );
  }
  const names: unknown[] = Array.isArray(spec) ? spec : [spec];
  names.forEach((name, i) => {
    if (typeof name !== 'string')
      throw commandError('TypeMismatch', `$jsonSchema keyword '${keyword}' array elements must be strings`);
    if (names.indexOf(name) !== i)
      throw commandError('FailedToParse', `$jsonSchema keyword '${keyword}' has duplicate value: ${name}`);
  });
  let test: (v: unknown) => boolean;
  if (keyword === 'type') {
    const tests = (names as string[]).map((name) => {
      if (name === 'integer')
        throw commandError('FailedToParse', "$jsonSchema type 'integer' is not currently supported.");
      const t = JSON_TYPES[name];
      if (!t) throw commandError('BadValue', `Unknown type name alias: ${name}`);
      return t;
    });
    test = (v) => tests.some((t) => t(v));
  } else {
    test = compileTypeMatch(names);
  }
  return (v, out) =>
    test(v) ||
    fail(out, () => ({
      operatorName: keyword,
      specifiedAs: { [keyword]: spec },
      reason: 'type did not match',
      consideredValue: v,
      consideredType: bsonTypeOf(v),
    }));
}

export function numberRules(schema: Document, rules: Rule[]): void {
  if (schema.multipleOf !== undefined) {
    const divisor = toJsNumber(numberArgument(schema, 'multipleOf'))!;
    if (!(divisor > 0))
      throw commandError('FailedToParse', "$jsonSchema keyword 'multipleOf' must have a positive value");
    rules.push(
      onType(isNumeric, (v, out) => {
        const n = toJsNumber(v)!;
        return (
          (Number.isFinite(n) && n % divisor === 0) ||
          fail(out, () => ({
            operatorName: 'multipleOf',
            specifiedAs: { multipleOf: schema.multipleOf },
            reason: 'considered value is not a multiple of the specified value',
            consideredValue: v,
          }))
        );
      }),
    );
  }
  for (const [bound, exclusive, sign] of [
    ['maximum', 'exclusiveMaximum', -1],
    ['minimum', 'exclusiveMinimum', 1],
  ] as const) {
    if (schema[bound] === undefined) continue;
    const limit = numberArgument(schema, bound);
    const strict = schema[exclusive] !== undefined && booleanArgument(schema, exclusive);
    // As mongod annotates it: `{ minimum: x, exclusiveMinimum: true }` only when exclusive.
    const specifiedAs = strict ? { [bound]: limit, [exclusive]: true } : { [bound]: limit };
    rules.push(
      onType(isNumeric, (v, out) => {
        const c = compareNumbers(v, limit) * sign;
        return (
          (strict ? c > 0 : c >= 0) ||
          fail(out, () => ({ operatorName: bound, specifiedAs, reason: 'comparison failed', consideredValue: v }))
        );
      }),
    );
  }
}

function lengthRule(
  schema: Document,
  keyword: string,
  measure: (v: never) => number,
  ok: (n: number, limit: number) => boolean,
  reason: string,
  applies: (v: unknown) => boolean,
  /** Reports the measured count under this name too (minItems/maxItems: numberOfItems). */
  countField?: string,
): Rule | undefined {
  if (schema[keyword] === undefined) return undefined;
  const limit = countArgument(schema, keyword);
  return onType(
    applies,
    (v, out) =>
      ok(measure(v as never), limit) ||
      fail(out, () => ({
        operatorName: keyword,
        specifiedAs: { [keyword]: schema[keyword] },
        reason,
        consideredValue: v,
        ...(countField ? { [countField]: measure(v as never) } : {}),
      })),
  );
}

export function stringRules(schema: Document, rules: Rule[]): void {
  const isString = (v: unknown) => typeof v === 'string';
  const reason = 'specified string length was not satisfied';
  if (schema.pattern !== undefined) {
    const re = toRegExp(stringArgument(schema, 'pattern'), '');
    rules.push(
      onType(
        isString,
        (v, out) =>
          re.test(v as string) ||
          fail(out, () => ({
            operatorName: 'pattern',
            specifiedAs: { pattern: schema.pattern },
            reason: 'regular expression did not match',
            consideredValue: v,
          })),
      ),
    );
  }
  const min = lengthRule(schema, 'minLength', codePointLength, (n, l) => n >= l, reason, isString);
  const max = lengthRule(schema, 'maxLength', codePointLength, (n, l) => n <= l, reason, isString);
  if (max) rules.push(max);
  if (min) rules.push(min);
}

function itemsRule(schema: Document, compile: SchemaCompiler): Rule | undefined {
  const { items, additionalItems } = schema;
  if (items === undefined) return undefined;
  if (!Array.isArray(items)) {
    const sub = compile(schemaObject(items, "$jsonSchema keyword 'items'"));
    return everyItemFrom(0, 'items', 'At least one item did not match the sub-schema', sub);
  }
  const positional = items.map((s) => compile(schemaObject(s, "$jsonSchema keyword 'items' elements")));
  const rules: Rule[] = [
    onType(Array.isArray, (value, out) => {
      const arr = value as unknown[];
      const failed: Document[] = [];
      for (let i = 0; i < Math.min(arr.length, positional.length); i++) {
        if (positional[i]!.check(arr[i])) continue;
        if (!out) return false;
        failed.push({ itemIndex: i, details: failureOf(positional[i]!, arr[i]) });
      }
      return failed.length === 0 || fail(out, () => ({ operatorName: 'items', details: failed }));
    }),
  ];
  if (additionalItems === false) {
    rules.push(
      onType(
        Array.isArray,
        (value, out) =>
          (value as unknown[]).length <= positional.length ||
          fail(out, () => ({
            operatorName: 'additionalItems',
            specifiedAs: { additionalItems: false },
            reason: 'found additional items',
            additionalItems: (value as unknown[]).slice(positional.length),
          })),
      ),
    );
  } else if (isPlainObject(additionalItems)) {
    const reason = 'At least one additional item did not match the sub-schema';
    rules.push(everyItemFrom(positional.length, 'additionalItems', reason, compile(additionalItems)));
  } else if (additionalItems !== undefined && additionalItems !== true) {
    throw commandError('TypeMismatch', "$jsonSchema keyword 'additionalItems' must be either an object or a boolean");
  }
  return allOf(rules);
}

/** items / additionalItems with one schema: every element from `start` matches it (the first failure is reported). */
function everyItemFrom(start: number, keyword: string, reason: string, sub: CompiledSchema): Rule {
  return onType(Array.isArray, (value, out) => {
    const arr = value as unknown[];
    for (let i = start; i < arr.length; i++) {
      if (sub.check(arr[i])) continue;
      return fail(out, () => ({
        operatorName: keyword,
        ...sub.annotations,
        reason,
        itemIndex: i,
        details: failureOf(sub, arr[i]),
      }));
    }
    return true;
  });
}

export function arrayRules(schema: Document, rules: Rule[], compile: SchemaCompiler): void {
  const reason = 'array did not match specified length';
  const min = lengthRule(
    schema,
    'minItems',
    (a: unknown[]) => a.length,
    (n, l) => n >= l,
    reason,
    Array.isArray,
    'numberOfItems',
  );
  const max = lengthRule(
    schema,
    'maxItems',
    (a: unknown[]) => a.length,
    (n, l) => n <= l,
    reason,
    Array.isArray,
    'numberOfItems',
  );
  if (min) rules.push(min);
  if (max) rules.push(max);
  if (schema.uniqueItems !== undefined && booleanArgument(schema, 'uniqueItems')) {
    rules.push(
      onType(Array.isArray, (value, out) => {
        const arr = value as unknown[];
        for (let i = 0; i < arr.length; i++) {
          for (let j = 0; j < i; j++) {
            if (compareValues(arr[i], arr[j]) !== 0) continue;
            return fail(out, () => ({
              operatorName: 'uniqueItems',
              specifiedAs: { uniqueItems: true },
              reason: 'found a duplicate item',
              consideredValue: arr,
              duplicatedValue: arr[i],
            }));
          }
        }
        return true;
      }),
    );
  }
  const items = itemsRule(schema, compile);
  if (items) rules.push(items);
}
