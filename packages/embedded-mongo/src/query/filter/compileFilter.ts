import { compareStringsBinary } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { collationComparator } from '../collation.js';
import { splitPath } from '../fieldPath.js';
import { compileJsonSchema } from '../jsonSchema/compileJsonSchema.js';
import type { CompileContext, DocPredicate } from './condition.js';
import { compileExpr } from './expr.js';
import { compileOperators, setSubFilterCompiler, valueCondition } from './fieldOperators.js';

/** Options of {@link compileFilter}. */
export interface FilterOptions {
  /** Collation for string comparisons (`{locale, strength, ...}`). */
  collation?: Document;
  /** Variables visible to `$expr` as `$$name`. */
  variables?: Document;
}

/** `{a: {$gt: 1}}` is an operator document; `{a: {b: 1}}` and DBRef-like `{$ref, $id}` are literals. */
function isOperatorDocument(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first[0] === '$' && first !== '$ref' && first !== '$id' && first !== '$db';
}

function logicalBranches(op: string, arg: unknown, ctx: CompileContext): DocPredicate[] {
  if (!Array.isArray(arg)) throw commandError('BadValue', `${op} must be an array`);
  if (arg.length === 0) throw commandError('BadValue', `${op} argument must be a non-empty array`);
  return arg.map((branch) => {
    if (!isPlainObject(branch)) throw commandError('BadValue', `${op} argument's entries must be objects`);
    return compileDocument(branch, ctx);
  });
}

function compileTopLevel(op: string, arg: unknown, ctx: CompileContext): DocPredicate | undefined {
  switch (op) {
    case '$and': {
      const branches = logicalBranches(op, arg, ctx);
      return (d) => branches.every((p) => p(d));
    }
    case '$or': {
      const branches = logicalBranches(op, arg, ctx);
      return (d) => branches.some((p) => p(d));
    }
    case '$nor': {
      const branches = logicalBranches(op, arg, ctx);
      return (d) => !branches.some((p) => p(d));
    }
    case '$expr':
      return compileExpr(arg, ctx);
    case '$comment':
      return undefined;
    case '$alwaysTrue':
      return () => true;
    case '$alwaysFalse':
      return () => false;
    case '$where':
      throw commandError('BadValue', '$where is not supported: the embedded server has no JavaScript engine');
    case '$text':
      throw commandError('IndexNotFound', 'text index required for $text query');
    case '$jsonSchema': {
      const schema = compileJsonSchema(arg);
      return (d) => schema.matches(d);
    }
    default:
      throw commandError(
        'BadValue',
        `unknown top level operator: ${op}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`,
      );
  }
}

function compileDocument(filter: Document, ctx: CompileContext): DocPredicate {
  const predicates: DocPredicate[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      const p = compileTopLevel(key, value, ctx);
      if (p) predicates.push(p);
      continue;
    }
    const parts = splitPath(key);
    predicates.push(
      isOperatorDocument(value) ? compileOperators(parts, value, ctx).doc : valueCondition(parts, value, ctx).doc,
    );
  }
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [a, b] = predicates as [DocPredicate, DocPredicate];
    return (d) => a(d) && b(d);
  }
  return (d) => {
    for (const p of predicates) if (!p(d)) return false;
    return true;
  };
}

setSubFilterCompiler(compileDocument);

/**
 * Compiles a MongoDB query filter into a predicate, once; the predicate is cheap to run per
 * document. Invalid filters throw CommandError (BadValue and friends) at compile time, as the server
 * rejects them before reading any document.
 */
export function compileFilter(filter: Document, options: FilterOptions = {}): DocPredicate {
  if (!isPlainObject(filter)) throw commandError('TypeMismatch', 'filter must be an object');
  const collated = options.collation !== undefined && options.collation.locale !== 'simple';
  const ctx: CompileContext = {
    strCmp: collated ? collationComparator(options.collation) : compareStringsBinary,
    collated,
    collation: collated ? options.collation : undefined,
    variables: options.variables,
  };
  return compileDocument(filter, ctx);
}
