import type { Document } from 'mongodb';
import { FORBIDDEN_KEYS, setField } from '../validation/fieldNames.js';

/** A projection as a tree of path segments; `true` marks a whole included/excluded subtree. */
export type PathTree = Map<string, PathTree | true>;

/** What a projection lets through at one dotted path. */
export type Visibility = { kind: 'all' } | { kind: 'none' } | { kind: 'partial'; tree: PathTree };

/** Field name used to express an empty inclusion (MongoDB has no "nothing" projection). */
export const NOTHING_FIELD = '__mongoLiveNothing__';

/**
 * The one projection engine of the bridge: access policies, change-event guards, live queries,
 * finds and SSR prefetches all use it. A MongoDB find-style projection of 0/1 flags (dotted or
 * nested paths, `{ 'audit.ip': 0 }` ≡ `{ audit: { ip: 0 } }`), applied in memory with MongoDB's
 * semantics: inclusion keeps only the named paths (and `_id` unless `_id: 0`), exclusion drops
 * them; sub-paths reach into arrays of documents. Operator projections ($slice, $elemMatch,
 * expressions) are refused: field-level security must be a plain list of paths. Paths naming
 * `__proto__`, `constructor` or `prototype` are refused, and the tree is a `Map`, so no path can
 * reach an object's prototype.
 *
 * @example
 * Projection.parse({ name: 1, 'address.city': 1 }).apply({ _id: 1, name: 'a', address: { city: 'x', zip: 'y' }, ssn: 1 })
 * // → { _id: 1, name: 'a', address: { city: 'x' } }
 */
export class Projection {
  private constructor(
    readonly mode: 'include' | 'exclude',
    readonly tree: PathTree,
  ) {}

  /** Parses a projection document; throws a TypeError naming what is wrong. */
  static parse(spec: Document): Projection {
    const flags: Array<[string[], boolean]> = [];
    flatten(spec, [], flags);
    const nonId = flags.filter(([p]) => !(p.length === 1 && p[0] === '_id'));
    const modes = new Set(nonId.map(([, f]) => f));
    if (modes.size > 1) throw new TypeError('projection mixes inclusion and exclusion');
    const idFlag = flags.find(([p]) => p.length === 1 && p[0] === '_id')?.[1];
    // Only `{ _id: 0 }` or `{}` → exclusion; `{ _id: 1 }` alone → inclusion of _id only.
    const mode: 'include' | 'exclude' =
      nonId.length > 0 ? (nonId[0]![1] ? 'include' : 'exclude') : idFlag === true ? 'include' : 'exclude';
    const tree: PathTree = new Map();
    for (const [path, flag] of nonId) if (flag === (mode === 'include')) addPath(tree, path);
    if (mode === 'include' && idFlag !== false) addPath(tree, ['_id']);
    if (mode === 'exclude' && idFlag === false) addPath(tree, ['_id']);
    return new Projection(mode, tree);
  }

  static of(mode: 'include' | 'exclude', tree: PathTree): Projection {
    return new Projection(mode, tree);
  }

  /** The projection everything passes through unchanged (`{}`). */
  static readonly identity: Projection = new Projection('exclude', new Map());

  /** {@link Projection.parse}, with `undefined` or `{}` meaning {@link Projection.identity}. */
  static compile(spec: Document | undefined): Projection {
    return spec === undefined || Object.keys(spec).length === 0 ? Projection.identity : Projection.parse(spec);
  }

  /** True when the projection lets everything through (`{}`). */
  get isIdentity(): boolean {
    return this.mode === 'exclude' && this.tree.size === 0;
  }

  /** A new document with the projection applied (the input is not modified). */
  apply(doc: Document): Document {
    if (this.isIdentity) return doc;
    return (this.mode === 'include' ? includeValue(doc, this.tree) : excludeValue(doc, this.tree)) as Document;
  }

  /** Projects a value found at `segments` (e.g. an `updatedFields` entry); undefined: nothing visible. */
  applyAt(segments: readonly string[], value: unknown): unknown {
    const vis = this.visibility(segments);
    if (vis.kind === 'none') return undefined;
    if (vis.kind === 'all') return value;
    if (this.mode === 'include') return isContainer(value) ? includeValue(value, vis.tree) : undefined;
    return isContainer(value) ? excludeValue(value, vis.tree) : value;
  }

  /**
   * What is visible at a dotted path. Numeric segments that the tree does not name are treated as
   * array indexes, which projections look through.
   */
  visibility(segments: readonly string[]): Visibility {
    let node: PathTree = this.tree;
    for (const seg of segments) {
      const child = node.get(seg);
      if (child === undefined) {
        if (/^\d+$/.test(seg)) continue;
        return this.mode === 'include' ? { kind: 'none' } : { kind: 'all' };
      }
      if (child === true) return this.mode === 'include' ? { kind: 'all' } : { kind: 'none' };
      node = child;
    }
    return { kind: 'partial', tree: node };
  }

  /** The MongoDB projection document for this projection. */
  toDocument(): Document {
    const out: Document = {};
    const paths: string[] = [];
    walkLeaves(this.tree, [], paths);
    if (this.mode === 'include') {
      if (paths.length === 0) return { [NOTHING_FIELD]: 1, _id: 0 };
      for (const p of paths) out[p] = 1;
      if (!paths.includes('_id')) out._id = 0;
    } else for (const p of paths) out[p] = 0;
    return out;
  }
}

/**
 * The projection that shows only what both show: a client can narrow the authorized projection,
 * never widen it. Cases MongoDB cannot express (including `a` while excluding `a.b`) are narrowed
 * further by dropping `a`.
 *
 * @example
 * intersectProjections({ name: 1, price: 1 }, { price: 0 }) // → { name: 1 } (with _id)
 */
export function intersectProjections(client?: Document, auth?: Document): Document | undefined {
  if (!client || Object.keys(client).length === 0) return auth && Object.keys(auth).length > 0 ? auth : undefined;
  const c = Projection.parse(client);
  if (!auth || Object.keys(auth).length === 0) return c.toDocument();
  const a = Projection.parse(auth);
  if (c.mode === 'include' && a.mode === 'include')
    return Projection.of('include', intersect(c.tree, a.tree)).toDocument();
  if (c.mode === 'exclude' && a.mode === 'exclude') return Projection.of('exclude', union(c.tree, a.tree)).toDocument();
  const [inc, exc] = c.mode === 'include' ? [c, a] : [a, c];
  return Projection.of('include', subtract(inc.tree, exc.tree)).toDocument();
}

function intersect(a: PathTree, b: PathTree): PathTree {
  const out: PathTree = new Map();
  for (const [key, x] of a) {
    const y = b.get(key);
    if (y === undefined) continue;
    if (x === true) out.set(key, y);
    else if (y === true) out.set(key, x);
    else {
      const sub = intersect(x, y);
      if (sub.size > 0) out.set(key, sub);
    }
  }
  return out;
}

function union(a: PathTree, b: PathTree): PathTree {
  const out: PathTree = new Map(a);
  for (const [key, y] of b) {
    const x = out.get(key);
    if (x === undefined) out.set(key, y);
    else if (x === true || y === true) out.set(key, true);
    else out.set(key, union(x, y));
  }
  return out;
}

function subtract(inc: PathTree, exc: PathTree): PathTree {
  const out: PathTree = new Map();
  for (const [key, x] of inc) {
    const y = exc.get(key);
    if (y === undefined) out.set(key, x);
    else if (y === true || x === true)
      continue; // excluded, or inexpressible "a minus a.b": narrow
    else {
      const sub = subtract(x, y);
      if (sub.size > 0) out.set(key, sub);
    }
  }
  return out;
}

function flatten(spec: Document, prefix: string[], out: Array<[string[], boolean]>): void {
  for (const [key, value] of Object.entries(spec)) {
    if (key.startsWith('$') || key === '') throw new TypeError(`projection: invalid field name '${key}'`);
    const path = [...prefix, ...key.split('.')];
    if (path.some((s) => s === '' || s.startsWith('$') || FORBIDDEN_KEYS.has(s)))
      throw new TypeError(`projection: invalid path '${key.slice(0, 100)}'`);
    const flag = toFlag(value);
    if (flag !== undefined) out.push([path, flag]);
    else if (
      isPlainObject(value) &&
      Object.keys(value).length > 0 &&
      !Object.keys(value).some((k) => k.startsWith('$'))
    )
      flatten(value, path, out);
    else throw new TypeError(`projection: '${path.join('.')}' must be 0 or 1 (operators are not supported)`);
  }
}

function toFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  let n: unknown = value;
  if (value !== null && typeof value === 'object' && !isPlainObject(value))
    n = (value as { valueOf(): unknown }).valueOf();
  if (n === 1) return true;
  if (n === 0) return false;
  return undefined;
}

function addPath(tree: PathTree, path: string[]): void {
  let node = tree;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const existing = node.get(seg);
    if (existing === true) return; // a shorter path already covers this one
    if (i === path.length - 1) {
      node.set(seg, true);
      return;
    }
    if (existing === undefined) {
      const child: PathTree = new Map();
      node.set(seg, child);
      node = child;
    } else node = existing;
  }
}

function walkLeaves(tree: PathTree, prefix: string[], out: string[]): void {
  for (const [key, node] of tree) {
    if (node === true) out.push([...prefix, key].join('.'));
    else walkLeaves(node, [...prefix, key], out);
  }
}

/** Plain objects are documents; bson values (ObjectId, Decimal128...) are scalars. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isContainer(value: unknown): value is Document | unknown[] {
  return Array.isArray(value) || isPlainObject(value);
}

function includeValue(value: Document | unknown[], tree: PathTree): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    // Like MongoDB: sub-path inclusion keeps only the documents (and nested arrays) of an array.
    for (const item of value) if (isContainer(item)) out.push(includeValue(item, tree));
    return out;
  }
  const out: Document = {};
  // Walk the document, not the tree, so fields keep their order.
  for (const [key, v] of Object.entries(value)) {
    const node = tree.get(key);
    if (node === undefined) continue;
    if (node === true) setField(out, key, v);
    else if (isContainer(v)) setField(out, key, includeValue(v, node));
  }
  return out;
}

function excludeValue(value: Document | unknown[], tree: PathTree): unknown {
  if (Array.isArray(value)) return value.map((item) => (isContainer(item) ? excludeValue(item, tree) : item));
  const out: Document = {};
  for (const [key, v] of Object.entries(value)) {
    const node = tree.get(key);
    if (node === true) continue;
    setField(out, key, node !== undefined && isContainer(v) ? excludeValue(v, node) : v);
  }
  return out;
}
