import { bsonTag, bsonTypeOf, CANONICAL_RANK, compareWith, numericView, plainNumberOf } from '@mongo-live/bson-order';
import type { Document, ObjectId } from 'bson';
import { commandError } from '../../errors.js';
import { isNumeric, isPlainObject } from '../bsonType.js';
import { someAtPath } from '../fieldPath.js';
import { toJsNumber } from '../numeric.js';
import { compileBitTest } from './bitTests.js';
import { allOf, type CompileContext, type FieldCondition, negate, type ValuePredicate } from './condition.js';
import { equalityPredicate } from './equality.js';
import { isRegexValue, regexPredicate, regexSource, toRegExp } from './regex.js';
import { compileTypeMatch } from './typeMatch.js';

/** Compiles the sub-filter of `$elemMatch` (document form); set by compileFilter to break the import cycle. */
export type SubFilterCompiler = (filter: Document, ctx: CompileContext) => (doc: Document) => boolean;
let compileSubFilter: SubFilterCompiler | undefined;

/** Registers the document-level compiler used by `$elemMatch`. */
export function setSubFilterCompiler(compiler: SubFilterCompiler): void {
  compileSubFilter = compiler;
}

/**
 * How a value predicate sees the values at a path: 'expand' tests each element of an array found
 * at the end of the path and the array itself (most operators); 'whole' tests the value as is
 * ($size, $elemMatch, $exists).
 */
type LeafMode = 'expand' | 'whole';

function onPath(parts: readonly string[], test: ValuePredicate, mode: LeafMode): FieldCondition {
  const visit =
    mode === 'whole'
      ? (v: unknown) => test(v)
      : (v: unknown, viaIndex: boolean) => {
          if (!viaIndex && Array.isArray(v)) {
            for (const element of v) if (test(element)) return true;
          }
          return test(v);
        };
  const doc =
    parts.length === 1
      ? // Fast path for top-level fields: no traversal machinery.
        (d: Document) => visit(d[parts[0]!], false)
      : (d: Document) => someAtPath(d, parts, visit);
  return { doc, value: test };
}

function isNaNNumber(v: unknown): boolean {
  const n = numericView(v);
  if (!n) return false;
  return n.kind === 'decimal' ? n.dec!.toString() === 'NaN' : Number.isNaN(n.num);
}

/** $gt/$gte/$lt/$lte with type bracketing: only values of the constant's canonical type compare. */
function rangePredicate(op: string, constant: unknown, ctx: CompileContext): ValuePredicate {
  const type = bsonTypeOf(constant);
  const orEqual = op === '$gte' || op === '$lte';
  const sign = op === '$gt' || op === '$gte' ? 1 : -1;
  if (type === 'minKey' || type === 'maxKey') {
    // MinKey/MaxKey bound everything: no bracketing.
    return (v) => {
      const c = compareWith(v, constant, ctx.strCmp);
      return c === 0 ? orEqual && v !== undefined : Math.sign(c) === sign && v !== undefined;
    };
  }
  const rank = CANONICAL_RANK[type];
  if (rank === 10 && isNaNNumber(constant)) return (v) => orEqual && isNaNNumber(v);
  if (typeof constant === 'number' && !ctx.collated) {
    return (v) => {
      const n = plainNumberOf(v);
      if (n !== undefined)
        return sign > 0 ? (orEqual ? n >= constant : n > constant) : orEqual ? n <= constant : n < constant;
      if (CANONICAL_RANK[bsonTypeOf(v)] !== 10 || isNaNNumber(v)) return false;
      const c = compareWith(v, constant, ctx.strCmp);
      return c === 0 ? orEqual : Math.sign(c) === sign;
    };
  }
  return (v) => {
    if (CANONICAL_RANK[bsonTypeOf(v)] !== rank) return false;
    if (rank === 10 && isNaNNumber(v)) return false;
    const c = compareWith(v, constant, ctx.strCmp);
    return c === 0 ? orEqual : Math.sign(c) === sign;
  };
}

function inPredicate(op: string, list: unknown, ctx: CompileContext): ValuePredicate {
  if (!Array.isArray(list)) throw commandError('BadValue', `${op} needs an array`);
  // Hashable constants (strings, JS/int32/double numbers, ObjectIds) are looked up in sets, so a
  // long $in list (live-query windows, _id lists) costs O(1) per value; the rest is scanned.
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const objectIds = new Set<string>();
  const others: ValuePredicate[] = [];
  for (const item of list) {
    if (isPlainObject(item) && Object.keys(item)[0]?.startsWith('$'))
      throw commandError('BadValue', `cannot nest $ under ${op}`);
    const n = plainNumberOf(item);
    if (typeof item === 'string' && !ctx.collated) strings.add(item);
    else if (n !== undefined && !Number.isNaN(n)) numbers.add(n === 0 ? 0 : n);
    else if (bsonTypeOf(item) === 'objectId') objectIds.add((item as ObjectId).toHexString());
    else if (isRegexValue(item)) {
      const r = regexSource(item)!;
      others.push(regexPredicate(toRegExp(r.pattern, r.options)));
    } else others.push(equalityPredicate(item, ctx.strCmp, ctx.collated));
  }
  const numberTests = [...numbers].map((n) => equalityPredicate(n, ctx.strCmp, ctx.collated));
  return (v) => {
    if (typeof v === 'string') {
      if (strings.has(v)) return true;
    } else if (typeof v === 'object' && v !== null && objectIds.size > 0 && bsonTag(v) === 'ObjectId') {
      if (objectIds.has((v as ObjectId).toHexString())) return true;
    } else {
      const n = plainNumberOf(v);
      if (n !== undefined) {
        if (numbers.has(n)) return true;
      } else if (numbers.size > 0 && isNumeric(v)) {
        // Longs and decimals are compared exactly against each listed number.
        for (const p of numberTests) if (p(v)) return true;
      }
    }
    for (const p of others) if (p(v)) return true;
    return false;
  };
}

function sizePredicate(arg: unknown): ValuePredicate {
  const n = toJsNumber(arg);
  if (n === undefined) throw commandError('BadValue', '$size needs a number');
  if (!Number.isInteger(n)) throw commandError('BadValue', '$size must be a whole number');
  if (n < 0) throw commandError('BadValue', '$size may not be negative');
  return (v) => Array.isArray(v) && v.length === n;
}

function modPredicate(arg: unknown): ValuePredicate {
  if (!Array.isArray(arg)) throw commandError('BadValue', 'malformed mod, needs to be an array');
  if (arg.length < 2) throw commandError('BadValue', 'malformed mod, not enough elements');
  if (arg.length > 2) throw commandError('BadValue', 'malformed mod, too many elements');
  const divisor = toJsNumber(arg[0]);
  const remainder = toJsNumber(arg[1]);
  if (divisor === undefined) throw commandError('BadValue', 'malformed mod, divisor not a number');
  if (remainder === undefined) throw commandError('BadValue', 'malformed mod, remainder not a number');
  const d = Math.trunc(divisor);
  const r = Math.trunc(remainder);
  if (d === 0 || !Number.isFinite(d)) throw commandError('BadValue', 'divisor cannot be 0');
  return (v) => {
    const n = toJsNumber(v);
    if (n === undefined || !Number.isFinite(n)) return false;
    return Math.trunc(n) % d === r;
  };
}

function elemMatchCondition(parts: readonly string[], spec: unknown, ctx: CompileContext): FieldCondition {
  if (!isPlainObject(spec)) throw commandError('BadValue', '$elemMatch needs an Object');
  const keys = Object.keys(spec);
  const valueForm =
    keys.length > 0 &&
    keys.every((k) => k.startsWith('$') && k !== '$and' && k !== '$or' && k !== '$nor' && k !== '$expr');
  let elementTest: ValuePredicate;
  if (valueForm) {
    elementTest = compileOperators([], spec, ctx).value;
  } else {
    const sub = compileSubFilter!(spec, ctx);
    elementTest = (e) => (isPlainObject(e) || Array.isArray(e)) && sub(e as Document);
  }
  return onPath(
    parts,
    (v) => {
      if (!Array.isArray(v)) return false;
      for (const e of v) if (elementTest(e)) return true;
      return false;
    },
    'whole',
  );
}

function allCondition(parts: readonly string[], arg: unknown, ctx: CompileContext): FieldCondition {
  if (!Array.isArray(arg)) throw commandError('BadValue', '$all needs an array');
  if (arg.length === 0) return { doc: () => false, value: () => false };
  const conditions = arg.map((item) => {
    if (isPlainObject(item) && '$elemMatch' in item) return elemMatchCondition(parts, item.$elemMatch, ctx);
    if (isPlainObject(item) && Object.keys(item)[0]?.startsWith('$'))
      throw commandError('BadValue', 'no $ expressions in $all');
    return valueCondition(parts, item, ctx);
  });
  return allOf(conditions);
}

/** `{path: constant}`: equality, or a regex match when the constant is a regex. */
export function valueCondition(parts: readonly string[], constant: unknown, ctx: CompileContext): FieldCondition {
  if (isRegexValue(constant)) {
    const r = regexSource(constant)!;
    return onPath(parts, regexPredicate(toRegExp(r.pattern, r.options)), 'expand');
  }
  return onPath(parts, equalityPredicate(constant, ctx.strCmp, ctx.collated), 'expand');
}

function regexCondition(parts: readonly string[], spec: Document): FieldCondition {
  const source = regexSource(spec.$regex);
  let pattern: string;
  let options = typeof spec.$options === 'string' ? spec.$options : '';
  if (source) {
    pattern = source.pattern;
    if (options && source.options) throw commandError('BadValue', 'options set in both $regex and $options');
    options ||= source.options;
  } else if (typeof spec.$regex === 'string') {
    pattern = spec.$regex;
  } else {
    throw commandError('BadValue', '$regex has to be a string');
  }
  if (spec.$options !== undefined && typeof spec.$options !== 'string')
    throw commandError('BadValue', '$options has to be a string');
  return onPath(parts, regexPredicate(toRegExp(pattern, options)), 'expand');
}

function notCondition(parts: readonly string[], arg: unknown, ctx: CompileContext): FieldCondition {
  if (isRegexValue(arg)) return negate(valueCondition(parts, arg, ctx));
  if (!isPlainObject(arg)) throw commandError('BadValue', '$not needs a regex or a document');
  if (Object.keys(arg).length === 0) throw commandError('BadValue', '$not cannot be empty');
  if (!Object.keys(arg)[0]!.startsWith('$')) throw commandError('BadValue', '$not needs a regex or a document');
  return negate(compileOperators(parts, arg, ctx));
}

function compileOperator(
  parts: readonly string[],
  op: string,
  arg: unknown,
  spec: Document,
  ctx: CompileContext,
): FieldCondition | undefined {
  switch (op) {
    case '$eq':
      return onPath(parts, equalityPredicate(arg, ctx.strCmp, ctx.collated), 'expand');
    case '$ne':
      if (isRegexValue(arg)) throw commandError('BadValue', "Can't have regex as arg to $ne.");
      return negate(onPath(parts, equalityPredicate(arg, ctx.strCmp, ctx.collated), 'expand'));
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return onPath(parts, rangePredicate(op, arg, ctx), 'expand');
    case '$in':
      return onPath(parts, inPredicate(op, arg, ctx), 'expand');
    case '$nin':
      return negate(onPath(parts, inPredicate(op, arg, ctx), 'expand'));
    case '$exists': {
      const present = onPath(parts, (v) => v !== undefined, 'whole');
      return isTruthy(arg) ? present : negate(present);
    }
    case '$type':
      return onPath(parts, compileTypeMatch(arg), 'expand');
    case '$size':
      return onPath(parts, sizePredicate(arg), 'whole');
    case '$mod':
      return onPath(parts, modPredicate(arg), 'expand');
    case '$regex':
      return regexCondition(parts, spec);
    case '$options':
      if (!('$regex' in spec)) throw commandError('BadValue', '$options needs a $regex');
      return undefined;
    case '$all':
      return allCondition(parts, arg, ctx);
    case '$elemMatch':
      return elemMatchCondition(parts, arg, ctx);
    case '$not':
      return notCondition(parts, arg, ctx);
    case '$bitsAllSet':
    case '$bitsAnySet':
    case '$bitsAllClear':
    case '$bitsAnyClear':
      return onPath(parts, compileBitTest(op, arg), 'expand');
    case '$comment':
      return undefined;
    case '$near':
    case '$nearSphere':
    case '$geoWithin':
    case '$geoIntersects':
    case '$within':
      throw commandError('NotImplemented', `${op} is not supported by the embedded server`);
    default:
      throw commandError('BadValue', `unknown operator: ${op}`);
  }
}

function isTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  const n = numericView(v);
  if (n) return n.kind === 'decimal' ? Number(n.dec!.toString()) !== 0 : n.num !== 0;
  return true;
}

/** Compiles an operator document (`{$gt: 1, $lt: 5}`) on a path: every operator must hold. */
export function compileOperators(parts: readonly string[], spec: Document, ctx: CompileContext): FieldCondition {
  const conditions: FieldCondition[] = [];
  for (const [op, arg] of Object.entries(spec)) {
    if (!op.startsWith('$')) throw commandError('BadValue', `unknown operator: ${op}`);
    const c = compileOperator(parts, op, arg, spec, ctx);
    if (c) conditions.push(c);
  }
  if (conditions.length === 0) return { doc: () => true, value: () => true };
  return allOf(conditions);
}
