import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import type { BoundedRegex } from '../filter/BoundedRegex.js';
import { toRegExp } from '../filter/regex.js';
import { type CompiledSchema, fail, failureOf, onType, type Rule, type SchemaCompiler } from './rule.js';
import { countArgument, schemaObject, uniqueArray } from './schemaArguments.js';

/** `$jsonSchema` keywords on sub-documents: properties, required, additional/pattern properties, dependencies. */

type Fields = Record<string, unknown>;

const has = (doc: Fields, name: string) => Object.hasOwn(doc, name) && doc[name] !== undefined;

function propertiesRule(schema: Document, compile: SchemaCompiler): Rule | undefined {
  if (schema.properties === undefined) return undefined;
  const spec = schemaObject(schema.properties, "$jsonSchema keyword 'properties'");
  const props = Object.entries(spec).map(
    ([name, sub]) => [name, compile(schemaObject(sub, `Nested schema for $jsonSchema property '${name}'`))] as const,
  );
  return onType(isPlainObject, (value, out) => {
    const doc = value as Fields;
    const failed: Document[] = [];
    for (const [name, sub] of props) {
      if (!has(doc, name) || sub.check(doc[name])) continue;
      if (!out) return false;
      failed.push({ propertyName: name, ...sub.annotations, details: failureOf(sub, doc[name]) });
    }
    return failed.length === 0 || fail(out, () => ({ operatorName: 'properties', propertiesNotSatisfied: failed }));
  });
}

/** patternProperties and additionalProperties: one pass over the fields, two kinds of detail. */
function allowedPropertiesRule(schema: Document, compile: SchemaCompiler): Rule | undefined {
  const { patternProperties, additionalProperties } = schema;
  if (patternProperties === undefined && additionalProperties === undefined) return undefined;
  const patterns: [string, BoundedRegex, CompiledSchema][] = Object.entries(
    patternProperties === undefined ? {} : schemaObject(patternProperties, "$jsonSchema keyword 'patternProperties'"),
  ).map(([pattern, sub]) => [
    pattern,
    toRegExp(pattern, ''),
    compile(schemaObject(sub, `Nested schema for $jsonSchema pattern property '${pattern}'`)),
  ]);
  let extra: CompiledSchema | boolean = true;
  if (typeof additionalProperties === 'boolean') extra = additionalProperties;
  else if (isPlainObject(additionalProperties)) extra = compile(additionalProperties);
  else if (additionalProperties !== undefined)
    throw commandError(
      'TypeMismatch',
      "$jsonSchema keyword 'additionalProperties' must be either an object or a boolean",
    );
  const declared = new Set(isPlainObject(schema.properties) ? Object.keys(schema.properties) : []);
  return onType(isPlainObject, (value, out) => {
    const doc = value as Fields;
    const additional: string[] = [];
    let failingAdditional: { name: string; details: Document[] | undefined } | undefined;
    const patternFailures: Document[] = [];
    for (const name of Object.keys(doc)) {
      let matchedPattern = false;
      for (const [pattern, re, sub] of patterns) {
        if (!re.test(name)) continue;
        matchedPattern = true;
        if (sub.check(doc[name])) continue;
        if (!out) return false;
        patternFailures.push({
          propertyName: name,
          ...sub.annotations,
          regexMatched: pattern,
          details: failureOf(sub, doc[name]),
        });
      }
      if (matchedPattern || declared.has(name) || extra === true) continue;
      if (extra === false) {
        if (!out) return false;
        additional.push(name);
      } else if (!failingAdditional && !extra.check(doc[name])) {
        if (!out) return false;
        failingAdditional = { name, details: failureOf(extra, doc[name]) };
      }
    }
    if (additional.length > 0) {
      out!.push({
        operatorName: 'additionalProperties',
        specifiedAs: { additionalProperties: false },
        additionalProperties: additional,
      });
    }
    if (failingAdditional) {
      out!.push({
        operatorName: 'additionalProperties',
        ...(extra as CompiledSchema).annotations,
        reason: 'at least one additional property did not match the subschema',
        failingProperty: failingAdditional.name,
        details: failingAdditional.details,
      });
    }
    if (patternFailures.length > 0) out!.push({ operatorName: 'patternProperties', details: patternFailures });
    return additional.length === 0 && !failingAdditional && patternFailures.length === 0;
  });
}

function requiredRule(schema: Document): Rule | undefined {
  if (schema.required === undefined) return undefined;
  const required = uniqueArray(schema.required, 'required', true) as string[];
  return onType(isPlainObject, (value, out) => {
    const missing = required.filter((name) => !has(value as Fields, name));
    return (
      missing.length === 0 ||
      fail(out, () => ({
        operatorName: 'required',
        specifiedAs: { required: schema.required },
        missingProperties: missing,
      }))
    );
  });
}

function propertyCountRule(schema: Document, keyword: 'minProperties' | 'maxProperties'): Rule | undefined {
  if (schema[keyword] === undefined) return undefined;
  const limit = countArgument(schema, keyword);
  return onType(isPlainObject, (value, out) => {
    const n = Object.keys(value as Fields).length;
    return (
      (keyword === 'minProperties' ? n >= limit : n <= limit) ||
      fail(out, () => ({
        operatorName: keyword,
        specifiedAs: { [keyword]: schema[keyword] },
        reason: 'specified number of properties was not satisfied',
        numberOfProperties: n,
      }))
    );
  });
}

function dependenciesRule(schema: Document, compile: SchemaCompiler): Rule | undefined {
  if (schema.dependencies === undefined) return undefined;
  const deps = Object.entries(schemaObject(schema.dependencies, "$jsonSchema keyword 'dependencies'")).map(
    ([name, dep]) =>
      [
        name,
        Array.isArray(dep)
          ? (uniqueArray(dep, `dependencies.${name}`, true) as string[])
          : compile(schemaObject(dep, `Nested schema for $jsonSchema dependency '${name}'`)),
      ] as const,
  );
  return onType(isPlainObject, (value, out) => {
    const doc = value as Fields;
    const failing: Document[] = [];
    for (const [name, dep] of deps) {
      if (!has(doc, name)) continue;
      if (Array.isArray(dep)) {
        const missing = dep.filter((n) => !has(doc, n));
        if (missing.length === 0) continue;
        if (!out) return false;
        failing.push({ conditionalProperty: name, missingProperties: missing });
      } else if (!dep.check(doc)) {
        if (!out) return false;
        failing.push({ conditionalProperty: name, details: failureOf(dep, doc) });
      }
    }
    return failing.length === 0 || fail(out, () => ({ operatorName: 'dependencies', failingDependencies: failing }));
  });
}

/** The object keywords of `schema`, in the order mongod reports their failures. */
export function objectRules(schema: Document, rules: Rule[], compile: SchemaCompiler): void {
  for (const rule of [
    propertiesRule(schema, compile),
    allowedPropertiesRule(schema, compile),
    requiredRule(schema),
    propertyCountRule(schema, 'minProperties'),
    propertyCountRule(schema, 'maxProperties'),
    dependenciesRule(schema, compile),
  ]) {
    if (rule) rules.push(rule);
  }
}
