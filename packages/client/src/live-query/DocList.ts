import { decode, type EJSONDocument, encode, type LiveQueryDiff } from '@mongo-live/protocol';

/** An immutable ordered result: decoded documents, replaced (never mutated) on change. */
export interface DocList<T> {
  readonly docs: readonly T[];
}

/** The empty result. */
export const EMPTY_LIST: DocList<never> = { docs: [] };

// Content keys by document object: computed once per document, shared by every list holding it.
const keys = new WeakMap<object, string>();

/**
 * Content key of a decoded document: its canonical EJSON text, after a decode/encode round trip
 * so that a document from the wire and the same document from a hydrated cache get equal keys.
 * Cached per document object.
 *
 * @example
 * contentKey(decode(wireDoc)) === contentKey(cachedDoc) // same content
 */
export function contentKey(doc: unknown): string {
  if (doc === null || typeof doc !== 'object') return JSON.stringify(encode(doc));
  let key = keys.get(doc);
  if (key === undefined) {
    key = JSON.stringify(encode(doc));
    keys.set(doc, key);
  }
  return key;
}

/**
 * Builds a list from decoded documents (e.g. a hydrated react-query cache entry).
 *
 * @example
 * const list = listOf(queryClient.getQueryData(key) ?? []);
 */
export function listOf<T>(docs: readonly T[]): DocList<T> {
  return { docs };
}

/**
 * Builds the list of a fresh snapshot, reusing the objects of `previous` for every document whose
 * `_id` and content did not change, so memoised rows keep their props. Returns `previous` itself
 * when nothing changed at all.
 *
 * @example
 * list = reconcile(list, ack.docs);
 */
export function reconcile<T>(previous: DocList<T>, wireDocs: readonly EJSONDocument[]): DocList<T> {
  const old = new Map<string, T>();
  for (const doc of previous.docs) old.set(contentKey(doc), doc);
  const docs: T[] = [];
  let same = wireDocs.length === previous.docs.length;
  for (let i = 0; i < wireDocs.length; i++) {
    const fresh = decode<T>(wireDocs[i]);
    const kept = old.get(contentKey(fresh));
    const doc = kept ?? fresh;
    docs.push(doc);
    if (same && previous.docs[i] !== doc) same = false;
  }
  return same ? previous : { docs };
}

/**
 * Applies the diffs of one update (positions refer to the list as the previous diffs left it).
 * Untouched documents keep their identity. The server sends `changed` (and a `moved` with a
 * document) only when the visible content changed, so those are decoded without comparing.
 * Returns `list` itself when nothing changed.
 *
 * @example
 * list = applyDiffs(list, update.diffs);
 */
export function applyDiffs<T>(list: DocList<T>, diffs: readonly LiveQueryDiff[]): DocList<T> {
  let docs: T[] | undefined;
  const edit = () => {
    docs ??= list.docs.slice();
    return docs;
  };
  for (const diff of diffs) {
    switch (diff.op) {
      case 'added':
        edit().splice(diff.index, 0, decode<T>(diff.doc));
        break;
      case 'removed':
        edit().splice(diff.index, 1);
        break;
      case 'changed':
        edit()[diff.index] = decode<T>(diff.doc);
        break;
      case 'moved': {
        const target = edit();
        const [doc] = target.splice(diff.from, 1);
        target.splice(diff.to, 0, diff.doc ? decode<T>(diff.doc) : (doc as T));
        break;
      }
      case 'reset': {
        const current = docs ? { docs } : list;
        const next = reconcile(current, diff.docs);
        if (next !== current) docs = next.docs.slice();
        break;
      }
    }
  }
  return docs ? { docs } : list;
}
