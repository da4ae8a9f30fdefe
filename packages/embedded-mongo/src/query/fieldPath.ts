import { isPlainObject } from './bsonType.js';

/**
 * MongoDB's field-path traversal for matching: a path walks into sub-documents, and an array met
 * before the end of the path is traversed element by element (sub-documents only), as well as
 * indexed when the next path part is a number. Values reached at the end of the path are handed to
 * a visitor; the traversal stops as soon as the visitor returns true.
 */
export type PathVisitor = (value: unknown, viaIndex: boolean) => boolean;

/** Splits a dotted path once, at compile time. */
export function splitPath(path: string): string[] {
  return path.split('.');
}

/** Non-negative integer path part (no sign, no leading zeros other than "0"), or -1. */
export function arrayIndexOf(part: string): number {
  const n = part.length;
  if (n === 0 || n > 9) return -1;
  if (n > 1 && part.charCodeAt(0) === 48) return -1;
  for (let i = 0; i < n; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(part);
}

function walk(value: unknown, parts: readonly string[], i: number, visit: PathVisitor, viaIndex: boolean): boolean {
  if (i === parts.length) return visit(value, viaIndex);
  const part = parts[i]!;
  if (Array.isArray(value)) {
    const index = arrayIndexOf(part);
    if (index >= 0 && index < value.length && walk(value[index], parts, i + 1, visit, true)) return true;
    for (const element of value) {
      if (isPlainObject(element) && walk(element[part], parts, i + 1, visit, false)) return true;
    }
    return false;
  }
  if (isPlainObject(value)) return walk(value[part], parts, i + 1, visit, false);
  return visit(undefined, false);
}

/** Visits every value at `parts` in `doc` (missing ones as `undefined`); true if a visit returned true. */
export function someAtPath(doc: unknown, parts: readonly string[], visit: PathVisitor): boolean {
  return walk(doc, parts, 0, visit, false);
}

/** Plain lookup of a dotted path without array traversal other than numeric indexes. */
export function getPathValue(doc: unknown, parts: readonly string[]): unknown {
  let cur = doc;
  for (const part of parts) {
    if (Array.isArray(cur)) {
      const index = arrayIndexOf(part);
      if (index < 0) return undefined;
      cur = cur[index];
    } else if (isPlainObject(cur)) {
      cur = cur[part];
    } else {
      return undefined;
    }
  }
  return cur;
}

/**
 * Every value a path reaches, arrays along the way and at the end traversed (as `$lookup`'s
 * localField reads them): `{a: [{b: 1}, {b: [2, 3]}]}` at `a.b` gives 1, 2, 3.
 * Missing values are left out.
 */
export function valuesAtPath(doc: unknown, parts: readonly string[]): unknown[] {
  const out: unknown[] = [];
  someAtPath(doc, parts, (v, viaIndex) => {
    if (Array.isArray(v) && !viaIndex) out.push(...v);
    else if (v !== undefined) out.push(v);
    return false;
  });
  return out;
}
