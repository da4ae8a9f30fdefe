import { compareValues } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { objectRules } from './objectRules.js';
import { allOf, type CompiledSchema, fail, type Rule } from './rule.js';
import { annotationsOf, checkKeywords, schemaArray, schemaObject, uniqueArray } from './schemaArguments.js';
import { arrayRules, numberRules, stringRules, typeRule } from './valueRules.js';

/** A compiled `$jsonSchema`: a document predicate and mongod's explanation of a failure. */
export interface JsonSchemaMatcher {
  matches(doc: Document): boolean;
  /** `{ operatorName: '$jsonSchema', title?, description?, schemaRulesNotSatisfied }` for a failing document. */
  explain(doc: Document): Document;
}

/** Each failing subschema of allOf/anyOf/oneOf as `{ index, title?, description?, details }`. */
function schemasNotSatisfied(subs: readonly CompiledSchema[], value: unknown): Document[] {
  const failed: Document[] = [];
  subs.forEach((sub, index) => {
    const details: Document[] = [];
    if (!sub.check(value, details)) failed.push({ index, ...sub.annotations, details });
  });
  return failed;
}

function logicalRules(schema: Document, rules: Rule[]): void {
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (schema[keyword] === undefined) continue;
    const subs = schemaArray(schema[keyword], keyword).map((s) => compile(s));
    rules.push((v, out) => {
      if (keyword === 'allOf') {
        if (subs.every((s) => s.check(v))) return true;
      } else {
        const matching = subs.flatMap((s, i) => (s.check(v) ? [i] : []));
        if (keyword === 'anyOf' ? matching.length > 0 : matching.length === 1) return true;
        if (matching.length > 1) {
          return fail(out, () => ({
            operatorName: 'oneOf',
            reason: 'more than one subschema matched',
            matchingSchemaIndexes: matching,
          }));
        }
      }
      return fail(out, () => ({ operatorName: keyword, schemasNotSatisfied: schemasNotSatisfied(subs, v) }));
    });
  }
  if (schema.not !== undefined) {
    const sub = compile(schemaObject(schema.not, "$jsonSchema keyword 'not'"));
    rules.push(
      (v, out) => !sub.check(v) || fail(out, () => ({ operatorName: 'not', reason: 'child expression matched' })),
    );
  }
  if (schema.enum !== undefined) {
    const values = uniqueArray(schema.enum, 'enum', false);
    rules.push(
      (v, out) =>
        values.some((e) => compareValues(e, v) === 0) ||
        fail(out, () => ({
          operatorName: 'enum',
          specifiedAs: { enum: schema.enum },
          reason: 'value was not found in enum',
          consideredValue: v,
        })),
    );
  }
}

/**
 * Compiles one (sub)schema; keywords are checked and compiled once, here, in the order mongod
 * translates them (so failures are reported in its order): scalar, array, object, logical, type.
 * At the root, `type` only decides whether documents (objects) can match at all.
 */
function compile(schema: Document, root = false): CompiledSchema {
  checkKeywords(schema);
  const annotations = annotationsOf(schema);
  const rules: Rule[] = [];
  const type =
    schema.type !== undefined
      ? typeRule(schema, 'type')
      : schema.bsonType !== undefined
        ? typeRule(schema, 'bsonType')
        : undefined;
  stringRules(schema, rules);
  numberRules(schema, rules);
  arrayRules(schema, rules, compile);
  objectRules(schema, rules, compile);
  logicalRules(schema, rules);
  if (type && !root) rules.push(type);
  if (type && root && !type({}, undefined)) {
    return {
      annotations,
      check: (_value, out) =>
        fail(out, () => ({
          operatorName: '$jsonSchema',
          specifiedAs: { $jsonSchema: schema },
          reason: 'expression always evaluates to false',
        })),
    };
  }
  return {
    annotations,
    check: allOf(rules),
  };
}

/**
 * Compiles a `$jsonSchema` (MongoDB's draft-4 subset plus `bsonType`) for validators and query
 * filters. Malformed schemas, unknown and unsupported keywords throw at compile time as in
 * mongod; `pattern` and `patternProperties` run on the server's linear-time regex engine.
 *
 * @example
 * const schema = compileJsonSchema({ required: ['name'], properties: { age: { bsonType: 'int', minimum: 0 } } });
 * schema.matches({ name: 'x', age: 3 }) // true
 * schema.explain({ age: -1 }).schemaRulesNotSatisfied // [{ operatorName: 'properties', ... }, { operatorName: 'required', ... }]
 */
export function compileJsonSchema(schema: unknown): JsonSchemaMatcher {
  const root = compile(schemaObject(schema, '$jsonSchema'), true);
  return {
    matches: (doc) => root.check(doc),
    explain(doc) {
      const details: Document[] = [];
      root.check(doc, details);
      // A root whose type excludes objects matches nothing: mongod reports that one fact.
      if (details[0]?.operatorName === '$jsonSchema') return details[0];
      return { operatorName: '$jsonSchema', ...root.annotations, schemaRulesNotSatisfied: details };
    },
  };
}
