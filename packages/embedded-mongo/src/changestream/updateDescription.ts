import { bsonTypeOf, compareValues } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { isPlainObject } from '../query/bsonType.js';

/** A path inside a document: field names, and numbers for array indexes. */
type Path = (string | number)[];

/** How the update named a path it changed: whole value, or array grown at its end. */
interface PathPattern {
  parts: string[]; // '*' matches any array index (positional `$`, `$[]`, `$[id]`)
  append: boolean;
}

const WHOLE_VALUE_OPERATORS = [
  '$set',
  '$setOnInsert',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$unset',
  '$pull',
  '$pullAll',
  '$pop',
  '$bit',
  '$addToSet',
];
// Only $push reports appended elements one by one (MongoDB logs the whole array for $addToSet).
const APPEND_OPERATORS = ['$push'];

/** True when `a` and `b` are the same BSON value (same types, same contents, same field order). */
export function sameValue(a: unknown, b: unknown): boolean {
  const type = bsonTypeOf(a);
  if (type !== bsonTypeOf(b)) return false;
  if (type === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
  }
  if (type === 'object') {
    const xk = Object.keys(a as object);
    const yk = Object.keys(b as object);
    return (
      xk.length === yk.length && xk.every((k, i) => k === yk[i] && sameValue((a as Document)[k], (b as Document)[k]))
    );
  }
  return compareValues(a, b) === 0;
}

function patternsOf(update: Document | Document[] | undefined): PathPattern[] | undefined {
  if (update === undefined || Array.isArray(update)) return undefined;
  const patterns: PathPattern[] = [];
  const add = (path: string, append: boolean) =>
    patterns.push({ parts: path.split('.').map((p) => (p.startsWith('$') ? '*' : p)), append });
  for (const [op, fields] of Object.entries(update)) {
    if (!op.startsWith('$') || fields === null || typeof fields !== 'object') continue;
    for (const [path, value] of Object.entries(fields as Document)) {
      if (op === '$rename') {
        add(path, false);
        if (typeof value === 'string') add(value, false);
      } else if (APPEND_OPERATORS.includes(op)) add(path, true);
      else if (WHOLE_VALUE_OPERATORS.includes(op)) add(path, false);
    }
  }
  return patterns;
}

function matchesPrefix(pattern: string[], path: Path): boolean {
  return path.every((part, i) => pattern[i] === String(part) || (pattern[i] === '*' && typeof part === 'number'));
}

/** The diff collected while walking two versions of a document. */
class DeltaCollector {
  readonly updated: [Path, unknown][] = [];
  readonly removed: Path[] = [];
  readonly truncated: [Path, number][] = [];

  constructor(private readonly patterns: PathPattern[] | undefined) {}

  diffObjects(before: Document, after: Document, prefix: Path): void {
    for (const key of Object.keys(before)) if (!(key in after)) this.removed.push([...prefix, key]);
    for (const [key, value] of Object.entries(after)) {
      const path = [...prefix, key];
      if (!(key in before)) this.updated.push([path, value]);
      else if (!sameValue(before[key], value)) this.diffValues(before[key], value, path);
    }
  }

  private diffArrays(before: unknown[], after: unknown[], path: Path): void {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) {
      if (!sameValue(before[i], after[i])) this.diffValues(before[i], after[i], [...path, i]);
    }
    for (let i = before.length; i < after.length; i++) this.updated.push([[...path, i], after[i]]);
    if (after.length < before.length) this.truncated.push([path, after.length]);
  }

  private diffValues(before: unknown, after: unknown, path: Path): void {
    const bothObjects = isPlainObject(before) && isPlainObject(after);
    const bothArrays = Array.isArray(before) && Array.isArray(after);
    if (this.patterns) {
      // Operator update: MongoDB logs each modified path as a whole, except appends to arrays.
      const exact = this.patterns.filter((p) => p.parts.length === path.length && matchesPrefix(p.parts, path));
      if (exact.some((p) => !p.append)) return void this.updated.push([path, after]);
      if (exact.length > 0) {
        const before_ = before as unknown[];
        const appended = bothArrays && before_.every((v, i) => sameValue(v, (after as unknown[])[i]));
        if (!appended) return void this.updated.push([path, after]);
        for (let i = before_.length; i < (after as unknown[]).length; i++) {
          this.updated.push([[...path, i], (after as unknown[])[i]]);
        }
        return;
      }
      const deeper = this.patterns.some((p) => p.parts.length > path.length && matchesPrefix(p.parts, path));
      if (!deeper) return void this.updated.push([path, after]);
    }
    if (bothObjects) this.diffObjects(before as Document, after as Document, path);
    else if (bothArrays) this.diffArrays(before as unknown[], after as unknown[], path);
    else this.updated.push([path, after]);
  }
}

/** Paths MongoDB spells out in `disambiguatedPaths`: a field name with a dot or made of digits. */
function isAmbiguous(path: Path): boolean {
  return path.some((part) => typeof part === 'string' && (part.includes('.') || /^\d+$/.test(part)));
}

/**
 * The `updateDescription` of an update event, computed like MongoDB 7.0 from the document before
 * and after: for operator updates each modified path as a whole (dotted, `arr.N` for elements,
 * appended elements one by one for `$push`), for pipeline updates a recursive delta with
 * `truncatedArrays` for arrays that shrank. `disambiguatedPaths` only with showExpandedEvents.
 */
export function computeUpdateDescription(
  before: Document,
  after: Document,
  update: Document | Document[] | undefined,
  showExpandedEvents: boolean,
): Document {
  const delta = new DeltaCollector(patternsOf(update));
  delta.diffObjects(before, after, []);
  const dotted = (path: Path) => path.join('.');
  const description: Document = {
    updatedFields: Object.fromEntries(delta.updated.map(([path, value]) => [dotted(path), value])),
    removedFields: delta.removed.map(dotted),
    truncatedArrays: delta.truncated.map(([path, newSize]) => ({ field: dotted(path), newSize })),
  };
  if (showExpandedEvents) {
    const paths = [...delta.updated.map(([p]) => p), ...delta.removed, ...delta.truncated.map(([p]) => p)];
    description.disambiguatedPaths = Object.fromEntries(paths.filter(isAmbiguous).map((p) => [dotted(p), p]));
  }
  return description;
}
