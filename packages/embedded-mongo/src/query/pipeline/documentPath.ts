import type { Document } from 'bson';
import { isPlainObject } from '../bsonType.js';

/** A copy of `doc` with `path` set to `value` (containers on the path copied, missing ones created). */
export function withPath(doc: Document, path: readonly string[], value: unknown): Document {
  const [head, ...rest] = path;
  const out: Document = { ...doc };
  if (rest.length === 0) out[head!] = value;
  else out[head!] = withPath(isPlainObject(doc[head!]) ? (doc[head!] as Document) : {}, rest, value);
  return out;
}

/** A copy of `doc` without `path`. */
export function withoutPath(doc: Document, path: readonly string[]): Document {
  const [head, ...rest] = path;
  if (!(head! in doc)) return doc;
  const out: Document = { ...doc };
  if (rest.length === 0) delete out[head!];
  else if (isPlainObject(doc[head!])) out[head!] = withoutPath(doc[head!] as Document, rest);
  return out;
}
