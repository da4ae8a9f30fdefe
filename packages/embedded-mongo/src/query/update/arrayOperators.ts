import { bsonTypeOf, compareValues, numericView } from '@mongo-live/bson-order';
import { commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { cloneValue } from '../cloneValue.js';
import { describeDocId, describeValue } from '../describeValue.js';
import { compileElementMatcher } from '../filter/elementMatcher.js';
import { compileSort } from '../sort.js';
import type { UpdateEnv, UpdateOperator } from './operatorTypes.js';
import { readSlot, type Slot, setIn, slotExists } from './pathAccess.js';

function integerArg(v: unknown, message: (type: string) => string): number {
  const n = numericView(v);
  const x = n ? (n.kind === 'decimal' ? Number(n.dec!.toString()) : n.num) : Number.NaN;
  if (!n || !Number.isInteger(x)) throw commandError('BadValue', message(bsonTypeOf(v)));
  return x;
}

/** The array at a slot, created empty when missing; otherwise the operator's own type error. */
function arrayAt(slot: Slot, onNonArray: (value: unknown) => never): unknown[] {
  if (!slotExists(slot)) {
    const created: unknown[] = [];
    setIn(slot.parent, slot.key, created);
    return created;
  }
  const value = readSlot(slot);
  if (!Array.isArray(value)) onNonArray(value);
  return value as unknown[];
}

interface PushSpec {
  each: unknown[];
  position?: number;
  slice?: number;
  sort?: (a: unknown, b: unknown) => number;
}

function parsePushSort(spec: unknown): (a: unknown, b: unknown) => number {
  if (isPlainObject(spec)) {
    if (Object.keys(spec).length === 0)
      throw commandError('BadValue', 'The $sort pattern is empty when it should be a set of fields.');
    for (const v of Object.values(spec)) {
      const d = numericView(v)?.num;
      if (d !== 1 && d !== -1) throw commandError('BadValue', 'The $sort element value must be either 1 or -1');
    }
    const byFields = compileSort(spec);
    // Non-document elements sort as if every sort field were missing.
    return (a, b) => byFields(isPlainObject(a) ? a : {}, isPlainObject(b) ? b : {});
  }
  const d = numericView(spec)?.num;
  if (d !== 1 && d !== -1)
    throw commandError(
      'BadValue',
      'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
    );
  return (a, b) => d * compareValues(a, b);
}

function parsePush(arg: unknown): PushSpec {
  if (!isPlainObject(arg) || !('$each' in arg)) return { each: [arg] };
  const spec: PushSpec = { each: [] };
  for (const [key, value] of Object.entries(arg)) {
    switch (key) {
      case '$each':
        if (!Array.isArray(value))
          throw commandError(
            'BadValue',
            `The argument to $each in $push must be an array but it was of type: ${bsonTypeOf(value)}`,
          );
        spec.each = value;
        break;
      case '$position':
        spec.position = integerArg(value, (t) => `The value for $position must be an integer value, not of type: ${t}`);
        break;
      case '$slice':
        spec.slice = integerArg(value, (t) => `The value for $slice must be an integer value but was given type: ${t}`);
        break;
      case '$sort':
        spec.sort = parsePushSort(value);
        break;
      default:
        throw commandError('BadValue', `Unrecognized clause in $push: ${key}`);
    }
  }
  return spec;
}

const push: UpdateOperator = {
  creates: true,
  prepare: (arg) => parsePush(arg),
  apply: (slot, prepared, env: UpdateEnv) => {
    const spec = prepared as PushSpec;
    const array = arrayAt(slot!, (value) => {
      throw commandError(
        'BadValue',
        `The field '${slot!.key}' must be an array but is of type ${bsonTypeOf(value)} in document ${describeDocId(env.doc)}`,
      );
    });
    const items = spec.each.map(cloneValue);
    let at = spec.position ?? array.length;
    if (at < 0) at = Math.max(0, array.length + at);
    array.splice(Math.min(at, array.length), 0, ...items);
    if (spec.sort) array.sort(spec.sort);
    if (spec.slice !== undefined) {
      if (spec.slice >= 0) array.splice(spec.slice);
      else array.splice(0, Math.max(0, array.length + spec.slice));
    }
  },
};

const addToSet: UpdateOperator = {
  creates: true,
  prepare: (arg) => {
    if (!isPlainObject(arg) || !('$each' in arg)) return [arg];
    const extra = Object.keys(arg).filter((k) => k !== '$each');
    if (extra.length > 0)
      throw commandError('BadValue', `Found unexpected fields after $each in $addToSet: ${describeValue(arg)}`);
    if (!Array.isArray(arg.$each))
      throw commandError(
        'TypeMismatch',
        `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeOf(arg.$each)}`,
      );
    return arg.$each;
  },
  apply: (slot, prepared) => {
    const array = arrayAt(slot!, (value) => {
      throw commandError(
        'BadValue',
        `Cannot apply $addToSet to non-array field. Field named '${slot!.key}' has non-array type ${bsonTypeOf(value)}`,
      );
    });
    for (const item of prepared as unknown[]) {
      if (!array.some((existing) => compareValues(existing, item) === 0)) array.push(cloneValue(item));
    }
  },
};

const pop: UpdateOperator = {
  creates: false,
  prepare: (arg) => {
    const n = numericView(arg);
    const x = n ? (n.kind === 'decimal' ? Number(n.dec!.toString()) : n.num) : Number.NaN;
    if (x !== 1 && x !== -1) throw commandError('FailedToParse', `$pop expects 1 or -1, found: ${describeValue(arg)}`);
    return x;
  },
  apply: (slot, end) => {
    if (!slot || !slotExists(slot)) return;
    const value = readSlot(slot);
    if (!Array.isArray(value))
      throw commandError(
        'TypeMismatch',
        `Path '${slot.key}' contains an element of non-array type '${bsonTypeOf(value)}'`,
      );
    if (end === 1) value.pop();
    else value.shift();
  },
};

function pullWith(predicate: (element: unknown) => boolean, slot: Slot | undefined): void {
  if (!slot || !slotExists(slot)) return;
  const value = readSlot(slot);
  if (!Array.isArray(value)) throw commandError('BadValue', 'Cannot apply $pull to a non-array value');
  const kept = value.filter((e) => !predicate(e));
  value.splice(0, value.length, ...kept);
}

const pull: UpdateOperator = {
  creates: false,
  prepare: (arg) => compileElementMatcher(arg),
  apply: (slot, predicate) => pullWith(predicate as (e: unknown) => boolean, slot),
};

const pullAll: UpdateOperator = {
  creates: false,
  prepare: (arg) => {
    if (!Array.isArray(arg))
      throw commandError('BadValue', `$pullAll requires an array argument but was given a ${bsonTypeOf(arg)}`);
    return arg;
  },
  apply: (slot, values) => pullWith((e) => (values as unknown[]).some((v) => compareValues(e, v) === 0), slot),
};

/** The operators that act on arrays. */
export const arrayOperators: Readonly<Record<string, UpdateOperator>> = {
  $push: push,
  $addToSet: addToSet,
  $pop: pop,
  $pull: pull,
  $pullAll: pullAll,
};
