import type { Document } from 'mongodb';
import { normalizeNumbers } from './normalize.js';

type Tree = { [field: string]: true | Tree };

/** Applies a projection to a document; returns a new document and never mutates its input. */
export type Projector = (doc: Document) => Document;

/**
 * Compiles an inclusion or exclusion projection (`1`/`0`/`true`/`false` on dotted paths; `_id`
 * is kept unless excluded) with MongoDB's semantics through arrays. Operators such as `$slice`
 * or `$elemMatch` are refused, so that a client never sees more than the projection says.
 *
 * @example
 * compileProjection({ name: 1 })({ _id: 1, name: 'a', secret: 2 }) // { _id: 1, name: 'a' }
 */
export function compileProjection(projection: Document | undefined): Projector {
  if (!projection || Object.keys(projection).length === 0) return (doc) => doc;
  let idMode: boolean | undefined;
  let mode: boolean | undefined;
  const tree: Tree = {};
  for (const [path, raw] of Object.entries(normalizeNumbers(projection))) {
    if (typeof raw !== 'number' && typeof raw !== 'boolean')
      throw new Error(`projection of '${path}': only 0/1/true/false are supported`);
    const include = raw === true || (typeof raw === 'number' && raw !== 0);
    if (path === '_id') {
      idMode = include;
      continue;
    }
    if (mode !== undefined && mode !== include) throw new Error('projection cannot mix inclusion and exclusion');
    mode = include;
    addPath(tree, path.split('.'));
  }
  if (mode === undefined) {
    // Only `_id` was named: `{ _id: 0 }` excludes it, `{ _id: 1 }` keeps only it.
    if (idMode === false) return (doc) => exclude(doc, { _id: true });
    return (doc) => ('_id' in doc ? { _id: doc._id } : {});
  }
  if (mode) {
    if (idMode !== false) tree._id = true;
    return (doc) => include(doc, tree);
  }
  if (idMode === false) tree._id = true;
  return (doc) => exclude(doc, tree);
}

function addPath(tree: Tree, parts: string[]): void {
  let node = tree;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i === parts.length - 1) {
      node[part] = true;
      return;
    }
    const next = node[part];
    if (next === true) return; // a parent path is already projected whole
    node = node[part] = next ?? {};
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function include(doc: Record<string, unknown>, tree: Tree): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const rule = tree[key];
    if (rule === undefined) continue;
    const value = doc[key];
    if (rule === true) out[key] = value;
    else if (isPlainObject(value)) out[key] = include(value, rule);
    else if (Array.isArray(value)) out[key] = includeArray(value, rule);
  }
  return out;
}

function includeArray(values: unknown[], tree: Tree): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (isPlainObject(v)) out.push(include(v, tree));
    else if (Array.isArray(v)) out.push(includeArray(v, tree));
  }
  return out;
}

function exclude(doc: Record<string, unknown>, tree: Tree): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const rule = tree[key];
    const value = doc[key];
    if (rule === undefined) out[key] = value;
    else if (rule === true) continue;
    else if (isPlainObject(value)) out[key] = exclude(value, rule);
    else if (Array.isArray(value)) out[key] = excludeArray(value, rule);
    else out[key] = value;
  }
  return out;
}

function excludeArray(values: unknown[], tree: Tree): unknown[] {
  return values.map((v) => (isPlainObject(v) ? exclude(v, tree) : Array.isArray(v) ? excludeArray(v, tree) : v));
}
