import { type BsonTypeName, bsonTypeOf, numericView } from '@mongo-live/bson-order';
import { commandError } from '../../errors.js';
import { BSON_TYPE_NUMBER, isNumericType } from '../bsonType.js';

const NAME_BY_NUMBER = new Map<number, BsonTypeName>(
  Object.entries(BSON_TYPE_NUMBER).map(([name, n]) => [n, name as BsonTypeName]),
);

/** One `$type` argument resolved: a BSON type name or 'number' (any numeric type). */
type TypeSpec = BsonTypeName | 'number';

function parseOne(spec: unknown): TypeSpec {
  if (typeof spec === 'string') {
    if (spec === 'number') return 'number';
    if (spec in BSON_TYPE_NUMBER) return spec as BsonTypeName;
    throw commandError('BadValue', `Unknown type name alias: ${spec}`);
  }
  const view = numericView(spec);
  if (view) {
    const n = view.kind === 'decimal' ? Number(view.dec!.toString()) : view.num;
    const name = Number.isInteger(n) ? NAME_BY_NUMBER.get(n) : undefined;
    if (name) return name;
    throw commandError('BadValue', `Invalid numerical type code: ${n}`);
  }
  throw commandError('TypeMismatch', 'type must be represented as a number or a string');
}

/**
 * Compiles a `$type` argument (a name, a number, or an array of them) into a value predicate.
 * Aliases: 'number' is any of int, long, double, decimal.
 */
export function compileTypeMatch(arg: unknown): (v: unknown) => boolean {
  const specs = Array.isArray(arg) ? arg.map(parseOne) : [parseOne(arg)];
  if (Array.isArray(arg) && specs.length === 0)
    throw commandError('FailedToParse', '$type must match at least one type');
  const wanted = new Set<TypeSpec>(specs);
  const anyNumber = wanted.has('number');
  return (v) => {
    if (v === undefined) return false;
    const t = bsonTypeOf(v);
    return wanted.has(t) || (anyNumber && isNumericType(t));
  };
}
