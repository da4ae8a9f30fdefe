import { bsonTypeOf, compareValues, numericView } from '@mongo-live/bson-order';
import { Long, Timestamp } from 'bson';
import { commandError } from '../../errors.js';
import { isNumeric as isNumericValue, isPlainObject } from '../bsonType.js';
import { cloneValue } from '../cloneValue.js';
import { describeDocId, describeValue } from '../describeValue.js';
import { addNumbers, multiplyNumbers, zeroLike } from '../numeric.js';
import type { UpdateOperator } from './operatorTypes.js';
import { readSlot, removeSlot, setIn, slotExists } from './pathAccess.js';

const set: UpdateOperator = {
  creates: true,
  prepare: (arg) => arg,
  apply: (slot, value) => setIn(slot!.parent, slot!.key, cloneValue(value)),
};

const unset: UpdateOperator = {
  creates: false,
  prepare: () => undefined,
  apply: (slot) => {
    if (slot) removeSlot(slot);
  },
};

function arithmeticOperator(name: '$inc' | '$mul'): UpdateOperator {
  const verb = name === '$inc' ? 'increment' : 'multiply';
  return {
    creates: true,
    prepare: (arg, path) => {
      if (!isNumericValue(arg)) {
        throw commandError(
          'TypeMismatch',
          `Cannot ${verb} with non-numeric argument: {${path}: ${describeValue(arg)}}`,
        );
      }
      return arg;
    },
    apply: (slot, arg, env, path) => {
      const s = slot!;
      if (!slotExists(s)) {
        setIn(s.parent, s.key, name === '$inc' ? cloneValue(arg) : zeroLike(arg));
        return;
      }
      const current = readSlot(s);
      if (!isNumericValue(current)) {
        throw commandError(
          'TypeMismatch',
          `Cannot apply ${name} to a value of non-numeric type. ${describeDocId(env.doc)} has the field '${s.key}' of non-numeric type ${bsonTypeOf(current)}`,
        );
      }
      const result = name === '$inc' ? addNumbers(current, arg) : multiplyNumbers(current, arg);
      if (!result) {
        throw commandError(
          'BadValue',
          `Failed to apply ${name} operations to current value (${describeValue(current)}) for document ${describeDocId(env.doc)} at '${path}': integer overflow`,
        );
      }
      setIn(s.parent, s.key, result.value);
    },
  };
}

function extremumOperator(keepNew: (c: number) => boolean): UpdateOperator {
  return {
    creates: true,
    prepare: (arg) => arg,
    apply: (slot, arg) => {
      const s = slot!;
      if (!slotExists(s) || keepNew(compareValues(arg, readSlot(s)))) setIn(s.parent, s.key, cloneValue(arg));
    },
  };
}

const currentDate: UpdateOperator = {
  creates: true,
  prepare: (arg, path) => {
    if (typeof arg === 'boolean') return 'date';
    if (isPlainObject(arg) && Object.keys(arg).length === 1 && (arg.$type === 'date' || arg.$type === 'timestamp'))
      return arg.$type;
    if (isPlainObject(arg) && '$type' in arg)
      throw commandError(
        'BadValue',
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
      );
    throw commandError(
      'BadValue',
      `${path} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    );
  },
  apply: (slot, type, env) => {
    const value = type === 'timestamp' ? new Timestamp({ t: env.timestamp.t, i: env.timestamp.i }) : new Date(env.now);
    setIn(slot!.parent, slot!.key, value);
  },
};

type BitOp = 'and' | 'or' | 'xor';

const bit: UpdateOperator = {
  creates: true,
  prepare: (arg, path) => {
    if (!isPlainObject(arg))
      throw commandError(
        'BadValue',
        `The $bit modifier is not compatible with a ${bsonTypeOf(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`,
      );
    const ops: Array<[BitOp, unknown]> = [];
    for (const [op, operand] of Object.entries(arg)) {
      if (op !== 'and' && op !== 'or' && op !== 'xor') {
        throw commandError(
          'BadValue',
          `The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${op}: ${describeValue(operand)}}`,
        );
      }
      const t = bsonTypeOf(operand);
      if (t !== 'int' && t !== 'long') {
        throw commandError(
          'BadValue',
          `The $bit modifier field must be an Integer(32/64 bit); a '${t}' is not supported here: {${op}: ${describeValue(operand)}}`,
        );
      }
      ops.push([op, operand]);
    }
    if (ops.length === 0)
      throw commandError(
        'BadValue',
        `You must pass in at least one bitwise operation. The format is: {$bit: {field: {and/or/xor: #}}} for ${path}`,
      );
    return ops;
  },
  apply: (slot, prepared, env) => {
    const s = slot!;
    const exists = slotExists(s);
    let current: unknown = exists ? readSlot(s) : 0;
    const currentType = bsonTypeOf(current);
    if (currentType !== 'int' && currentType !== 'long') {
      throw commandError(
        'TypeMismatch',
        `Cannot apply $bit to a value of non-integral type.${describeDocId(env.doc)} has the field ${s.key} of non-integer type ${currentType}`,
      );
    }
    for (const [op, operand] of prepared as Array<[BitOp, unknown]>) {
      const isLong = bsonTypeOf(current) === 'long' || bsonTypeOf(operand) === 'long';
      const x = BigInt.asIntN(64, numericView(current)!.big ?? BigInt(numericView(current)!.num));
      const y = BigInt.asIntN(64, numericView(operand)!.big ?? BigInt(numericView(operand)!.num));
      const r = op === 'and' ? x & y : op === 'or' ? x | y : x ^ y;
      current = isLong ? Long.fromBigInt(BigInt.asIntN(64, r)) : Number(BigInt.asIntN(32, r));
    }
    setIn(s.parent, s.key, current);
  },
};

/** The operators that act on single fields. */
export const fieldOperators: Readonly<Record<string, UpdateOperator>> = {
  $set: set,
  $setOnInsert: set,
  $unset: unset,
  $inc: arithmeticOperator('$inc'),
  $mul: arithmeticOperator('$mul'),
  $min: extremumOperator((c) => c < 0),
  $max: extremumOperator((c) => c > 0),
  $currentDate: currentDate,
  $bit: bit,
};
