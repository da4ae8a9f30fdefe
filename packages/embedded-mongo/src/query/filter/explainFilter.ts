import { bsonTypeOf } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { isPlainObject } from '../bsonType.js';
import { getPathValue, splitPath, valuesAtPath } from '../fieldPath.js';
import { compileJsonSchema } from '../jsonSchema/compileJsonSchema.js';
import { compileFilter } from './compileFilter.js';
import { isRegexValue } from './regex.js';

/**
 * Why a document fails a query filter, in the shape mongod gives a collection validator's
 * errInfo.details (MongoDB 5+): `{ operatorName, specifiedAs, reason, consideredValue }` per
 * leaf, `clausesNotSatisfied: [{ index, details }]` for `$and`/`$or`/`$nor` (and the implicit
 * `$and` of several fields or operators), `$jsonSchema` details from its compiler. Under `$nor`
 * and `$not` the reasons turn around ('comparison succeeded'), as mongod's inverted errors do.
 * Operators not listed here report `reason: 'the document does not match this clause'`.
 *
 * @example
 * explainFilter({ email: { $regex: /@mongodb\.com$/ } }, { email: 'x@mongodb.co' })
 * // { operatorName: '$regex', specifiedAs: { email: { $regex: /@mongodb\.com$/ } },
 * //   reason: 'regular expression did not match', consideredValue: 'x@mongodb.co' }
 */
export function explainFilter(filter: Document, doc: Document): Document {
  return explainDocument(filter, doc, false);
}

type LeafReason = readonly [string, string, (readonly string[])?];

/** The four bit-test operators report alike. */
const BITWISE: LeafReason = [
  'bitwise operator failed to match',
  'bitwise operator matched successfully',
  ['binData', 'decimal', 'double', 'int', 'long'],
];

/** [normal reason, inverted reason, types the operator reads (a type mismatch is reported as such)]. */
const LEAF_REASONS: Readonly<Record<string, LeafReason>> = {
  $eq: ['comparison failed', 'comparison succeeded'],
  $gt: ['comparison failed', 'comparison succeeded'],
  $gte: ['comparison failed', 'comparison succeeded'],
  $lt: ['comparison failed', 'comparison succeeded'],
  $lte: ['comparison failed', 'comparison succeeded'],
  $in: ['no matching value found in array', 'matching value found in array'],
  $type: ['type did not match', 'type did match'],
  $regex: ['regular expression did not match', 'regular expression did match', ['regex', 'string', 'symbol']],
  $size: ['array length was not equal to given size', 'array length was equal to given size', ['array']],
  $all: ['array did not contain all specified values', 'array did contain all specified values'],
  $elemMatch: ['array did not satisfy the child predicate', 'array did satisfy the child predicate', ['array']],
  $mod: [
    '$mod did not evaluate to expected remainder',
    '$mod did evaluate to expected remainder',
    ['decimal', 'double', 'int', 'long'],
  ],
  $bitsAllSet: BITWISE,
  $bitsAllClear: BITWISE,
  $bitsAnySet: BITWISE,
  $bitsAnyClear: BITWISE,
};

/** Operators that are the negation of another, reported with the other's inverted reason. */
const NEGATED: Readonly<Record<string, string>> = { $ne: '$eq', $nin: '$in' };

const matches = (filter: Document, doc: Document) => compileFilter(filter)(doc);

/** A clause fails in a normal context when it does not match, in an inverted one when it does. */
const fails = (filter: Document, doc: Document, inverted: boolean) => matches(filter, doc) === inverted;

function explainDocument(filter: Document, doc: Document, inverted: boolean): Document {
  const clauses = Object.entries(filter).filter(([key]) => key !== '$comment');
  if (clauses.length === 1) return explainClause(clauses[0]![0], clauses[0]![1], doc, inverted);
  return listOf(
    '$and',
    clauses.map(([key, value]) => ({ [key]: value })),
    doc,
    inverted,
  );
}

/** `$and`/`$or`/`$nor` (or an implicit `$and`): the clauses that made it fail, by index. */
function listOf(operator: string, branches: Document[], doc: Document, inverted: boolean): Document {
  // $nor fails on the clauses that matched: those are explained in the inverted sense.
  const childInverted = operator === '$nor' ? !inverted : inverted;
  const failing = branches.flatMap((branch, index) =>
    fails(branch, doc, childInverted) ? [{ index, details: explainDocument(branch, doc, childInverted) }] : [],
  );
  const listName = (operator === '$nor') === inverted ? 'clausesNotSatisfied' : 'clausesSatisfied';
  return { operatorName: operator, [listName]: failing };
}

function explainClause(key: string, value: unknown, doc: Document, inverted: boolean): Document {
  switch (key) {
    case '$and':
    case '$or':
    case '$nor':
      return listOf(key, value as Document[], doc, inverted);
    case '$jsonSchema':
      return inverted
        ? { operatorName: '$jsonSchema', reason: 'schema matched' }
        : compileJsonSchema(value).explain(doc);
    case '$expr':
      return {
        operatorName: '$expr',
        specifiedAs: { $expr: value },
        reason: inverted ? 'expression did match' : 'expression did not match',
        expressionResult: inverted,
      };
    case '$alwaysFalse':
    case '$alwaysTrue':
      return {
        operatorName: key,
        specifiedAs: { [key]: value },
        reason: inverted ? 'expression always evaluates to true' : 'expression always evaluates to false',
      };
  }
  if (key.startsWith('$')) return unexplained(key, { [key]: value });
  const isOperators = isPlainObject(value) && Object.keys(value)[0]?.startsWith('$') === true;
  if (!isOperators)
    return explainLeaf(key, isRegexValue(value) ? '$regex' : '$eq', value, { [key]: value }, doc, inverted);
  const operators = Object.entries(value as Document).filter(([op]) => op !== '$options');
  if (operators.length === 1) {
    const [op, arg] = operators[0]!;
    return explainOperator(key, op, arg, value as Document, doc, inverted);
  }
  return listOf(
    '$and',
    operators.map(([op, arg]) => ({ [key]: op === '$regex' ? regexSpec(value as Document) : { [op]: arg } })),
    doc,
    inverted,
  );
}

function regexSpec(spec: Document): Document {
  return spec.$options === undefined ? { $regex: spec.$regex } : { $regex: spec.$regex, $options: spec.$options };
}

function explainOperator(
  path: string,
  op: string,
  arg: unknown,
  spec: Document,
  doc: Document,
  inverted: boolean,
): Document {
  const specifiedAs = { [path]: op === '$regex' ? regexSpec(spec) : { [op]: arg } };
  if (op === '$not') {
    return { operatorName: '$not', details: explainDocument({ [path]: arg }, doc, !inverted) };
  }
  if (op === '$exists') {
    // {$exists: false} is the negation of {$exists: true}.
    const wantsPath = arg !== false && arg !== 0 && arg !== null;
    const failsBecauseMissing = wantsPath !== inverted;
    return {
      operatorName: '$exists',
      specifiedAs,
      reason: failsBecauseMissing ? 'path does not exist' : 'path does exist',
    };
  }
  const negated = NEGATED[op];
  if (negated) return explainLeaf(path, negated, arg, specifiedAs, doc, !inverted, op);
  return explainLeaf(path, op, arg, specifiedAs, doc, inverted);
}

function explainLeaf(
  path: string,
  op: string,
  _arg: unknown,
  specifiedAs: Document,
  doc: Document,
  inverted: boolean,
  operatorName = op,
): Document {
  const reasons = LEAF_REASONS[op];
  if (!reasons) return unexplained(operatorName, specifiedAs);
  const parts = splitPath(path);
  const out: Document = { operatorName, specifiedAs };
  const values = valuesAtPath(doc, parts);
  const present = values.length > 0 || getPathValue(doc, parts) !== undefined;
  if (!present) {
    out.reason = 'field was missing';
    return out;
  }
  const expected = reasons[2];
  const types = [...new Set(values.map((v) => bsonTypeOf(v)))].sort();
  if (expected && !inverted && !types.some((t) => expected.includes(t))) {
    out.reason = 'type did not match';
    Object.assign(out, typesOf(types));
    if (expected.length === 1) out.expectedType = expected[0];
    else out.expectedTypes = [...expected];
  } else {
    out.reason = inverted ? reasons[1] : reasons[0];
  }
  if (values.length === 1) out.consideredValue = values[0];
  else out.consideredValues = values;
  if (op === '$type' && values.length > 0) Object.assign(out, typesOf(types));
  return out;
}

function typesOf(types: string[]): Document {
  return types.length === 1 ? { consideredType: types[0] } : { consideredTypes: types };
}

function unexplained(operatorName: string, specifiedAs: Document): Document {
  return { operatorName, specifiedAs, reason: 'the document does not match this clause' };
}
