import type { StringComparator } from '@mongo-live/bson-order';
import type { Document } from 'bson';

/** A compiled predicate over whole documents. */
export type DocPredicate = (doc: Document) => boolean;

/** A compiled predicate over one value. */
export type ValuePredicate = (value: unknown) => boolean;

/**
 * A compiled condition on one field path. `doc` tests a document (MongoDB's array traversal
 * applies); `value` tests a single value directly, as `$elemMatch` tests array elements.
 */
export interface FieldCondition {
  doc: DocPredicate;
  value: ValuePredicate;
}

/** What every compile step needs to know. */
export interface CompileContext {
  /** String order from the collation (binary without one). */
  strCmp: StringComparator;
  /** Whether a collation other than binary is in effect. */
  collated: boolean;
  /** Collation document, forwarded to `$expr`. */
  collation: Document | undefined;
  /** Variables for `$expr` (`$$NOW`, `let`...). */
  variables: Document | undefined;
}

/** AND of field conditions, avoiding wrappers for the common single-condition case. */
export function allOf(conditions: FieldCondition[]): FieldCondition {
  if (conditions.length === 1) return conditions[0]!;
  const docs = conditions.map((c) => c.doc);
  const values = conditions.map((c) => c.value);
  return {
    doc: (d) => {
      for (const p of docs) if (!p(d)) return false;
      return true;
    },
    value: (v) => {
      for (const p of values) if (!p(v)) return false;
      return true;
    },
  };
}

/** Negation of a field condition ($ne, $nin, $not). */
export function negate(c: FieldCondition): FieldCondition {
  const { doc, value } = c;
  return { doc: (d) => !doc(d), value: (v) => !value(v) };
}
