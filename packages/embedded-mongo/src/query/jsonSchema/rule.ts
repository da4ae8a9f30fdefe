import type { Document } from 'bson';

/**
 * One keyword's test. Without `out` it only answers; with `out` it also pushes, when it fails,
 * the error detail mongod reports for it (`{ operatorName, specifiedAs, reason, ... }`).
 */
export type Rule = (value: unknown, out: Document[] | undefined) => boolean;

/** A compiled (sub)schema: its annotations (title, description) and its test. */
export interface CompiledSchema {
  readonly annotations: Document;
  check(value: unknown, out?: Document[]): boolean;
}

/** Compiles a nested schema (keyword files get it from compileJsonSchema, which owns the recursion). */
export type SchemaCompiler = (schema: Document) => CompiledSchema;

/** Records a failure's detail when details are being collected; always false. */
export function fail(out: Document[] | undefined, detail: () => Document): false {
  out?.push(detail());
  return false;
}

/**
 * Every rule must pass. Without `out` it stops at the first failure; with `out` it runs them all,
 * so each failing keyword reports its detail.
 */
export function allOf(rules: readonly Rule[]): Rule {
  return (value, out) => {
    let ok = true;
    for (const rule of rules) {
      if (rule(value, out)) continue;
      if (!out) return false;
      ok = false;
    }
    return ok;
  };
}

/** The details of `sub` failing on `value`, or undefined when it matches. */
export function failureOf(sub: CompiledSchema, value: unknown): Document[] | undefined {
  const details: Document[] = [];
  return sub.check(value, details) ? undefined : details;
}

/** A keyword that constrains values of one type and lets every other value through. */
export function onType(applies: (v: unknown) => boolean, rule: Rule): Rule {
  return (v, out) => !applies(v) || rule(v, out);
}
