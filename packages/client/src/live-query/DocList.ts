import { decode, type EJSONDocument, encode, type LiveQueryDiff } from '@mongo-live/protocol';

/**
 * An immutable ordered result: the decoded documents and, beside each, a content key (its
 * canonical EJSON text) used to tell whether a document really changed, and an id key.
 */
export interface DocList<T> {
  readonly docs: readonly T[];
  readonly keys: readonly string[];
  readonly ids: readonly string[];
}

/** The empty result. */
export const EMPTY_LIST: DocList<never> = { docs: [], keys: [], ids: [] };

/**
 * Content key of a decoded document: its canonical EJSON text, after a decode/encode round trip
 * so that a document from the wire and the same document from a hydrated cache get equal keys.
 *
 * @example
 * contentKey(decode(wireDoc)) === contentKey(cachedDoc) // same content
 */
export function contentKey(doc: unknown): string {
  return JSON.stringify(encode(doc));
}

function idKey(doc: unknown): string {
  return JSON.stringify(encode((doc as { _id?: unknown } | null)?._id ?? null));
}

/**
 * Builds a list from decoded documents (e.g. a hydrated react-query cache entry).
 *
 * @example
 * const list = listOf(queryClient.getQueryData(key) ?? []);
 */
export function listOf<T>(docs: readonly T[]): DocList<T> {
  return { docs, keys: docs.map(contentKey), ids: docs.map(idKey) };
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
  for (let i = 0; i < previous.docs.length; i++) old.set(previous.keys[i] as string, previous.docs[i] as T);
  const docs: T[] = [];
  const keys: string[] = [];
  const ids: string[] = [];
  let same = wireDocs.length === previous.docs.length;
  for (let i = 0; i < wireDocs.length; i++) {
    const fresh = decode<T>(wireDocs[i]);
    const key = contentKey(fresh);
    const kept = old.get(key);
    docs.push(kept ?? fresh);
    keys.push(key);
    ids.push(idKey(fresh));
    if (same && previous.keys[i] !== key) same = false;
  }
  return same ? previous : { docs, keys, ids };
}

/**
 * Applies the diffs of one update (positions refer to the list as the previous diffs left it).
 * Unchanged documents keep their identity; a `changed` whose content is equal changes nothing.
 * Returns `list` itself when nothing changed.
 *
 * @example
 * list = applyDiffs(list, update.diffs);
 */
export function applyDiffs<T>(list: DocList<T>, diffs: readonly LiveQueryDiff[]): DocList<T> {
  let docs: T[] | undefined;
  let keys: string[] = [];
  let ids: string[] = [];
  const edit = () => {
    if (!docs) {
      docs = list.docs.slice();
      keys = list.keys.slice();
      ids = list.ids.slice();
    }
    return docs;
  };
  for (const diff of diffs) {
    switch (diff.op) {
      case 'added': {
        const doc = decode<T>(diff.doc);
        edit().splice(diff.index, 0, doc);
        keys.splice(diff.index, 0, contentKey(doc));
        ids.splice(diff.index, 0, idKey(doc));
        break;
      }
      case 'removed':
        edit().splice(diff.index, 1);
        keys.splice(diff.index, 1);
        ids.splice(diff.index, 1);
        break;
      case 'changed': {
        const doc = decode<T>(diff.doc);
        const key = contentKey(doc);
        if ((docs ? keys : list.keys)[diff.index] === key) break;
        edit()[diff.index] = doc;
        keys[diff.index] = key;
        ids[diff.index] = idKey(doc);
        break;
      }
      case 'moved': {
        const target = edit();
        let [doc] = target.splice(diff.from, 1);
        let [key] = keys.splice(diff.from, 1);
        let [id] = ids.splice(diff.from, 1);
        if (diff.doc) {
          const fresh = decode<T>(diff.doc);
          const freshKey = contentKey(fresh);
          if (freshKey !== key) {
            doc = fresh;
            key = freshKey;
            id = idKey(fresh);
          }
        }
        target.splice(diff.to, 0, doc as T);
        keys.splice(diff.to, 0, key as string);
        ids.splice(diff.to, 0, id as string);
        break;
      }
      case 'reset': {
        const current = docs ? { docs, keys, ids } : list;
        const next = reconcile(current, diff.docs);
        if (next === current) break;
        docs = next.docs.slice();
        keys = next.keys.slice();
        ids = next.ids.slice();
        break;
      }
    }
  }
  return docs ? { docs, keys, ids } : list;
}
