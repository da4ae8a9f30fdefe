import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { describeValue } from '../describeValue.js';
import { arrayIndexOf } from '../fieldPath.js';

/** A document or array that holds the field an operator updates. */
export type Container = Record<string, unknown> | unknown[];

/** Where an operator acts: the container and the key (field name or array index) in it. */
export interface Slot {
  parent: Container;
  key: string;
}

function notViable(field: string, holderName: string, holder: unknown): never {
  throw commandError(
    'PathNotViable',
    `Cannot create field '${field}' in element {${holderName}: ${describeValue(holder)}}`,
  );
}

function child(container: Container, key: string): unknown {
  if (Array.isArray(container)) {
    const index = arrayIndexOf(key);
    return index < 0 ? undefined : container[index];
  }
  return container[key];
}

/** Sets `key` in a container: arrays are padded with nulls up to the index; new fields go last. */
export function setIn(container: Container, key: string, value: unknown): void {
  if (Array.isArray(container)) {
    const index = arrayIndexOf(key);
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    container[key] = value;
  }
}

/** Reads the value in a slot (undefined when missing). */
export function readSlot(slot: Slot): unknown {
  return child(slot.parent, slot.key);
}

/** True when the slot holds a value (array holes past the end do not count). */
export function slotExists(slot: Slot): boolean {
  if (Array.isArray(slot.parent)) {
    const index = arrayIndexOf(slot.key);
    return index >= 0 && index < slot.parent.length;
  }
  return Object.hasOwn(slot.parent, slot.key);
}

/**
 * Finds the slot of a concrete path. With `create`, missing intermediate documents are created
 * and a path blocked by a scalar or by a non-numeric name on an array is PathNotViable; without
 * it, such paths have no slot (the operator is a no-op).
 */
export function locate(doc: Document, path: readonly string[], create: boolean): Slot | undefined {
  let current: Container = doc;
  let currentName = '';
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (Array.isArray(current) && arrayIndexOf(key) < 0) {
      if (!create) return undefined;
      notViable(key, currentName, current);
    }
    if (i === path.length - 1) return { parent: current, key };
    const next = child(current, key);
    if (isPlainObject(next) || Array.isArray(next)) {
      current = next;
    } else if (next === undefined) {
      if (!create) return undefined;
      const created = {};
      setIn(current, key, created);
      current = created;
    } else {
      if (!create) return undefined;
      notViable(path[i + 1]!, key, next);
    }
    currentName = key;
  }
  return undefined;
}

/** Removes the value in a slot; inside an array the element becomes null, as MongoDB's $unset does. */
export function removeSlot(slot: Slot): void {
  if (Array.isArray(slot.parent)) {
    const index = arrayIndexOf(slot.key);
    if (index >= 0 && index < slot.parent.length) slot.parent[index] = null;
  } else {
    delete slot.parent[slot.key];
  }
}
