import { randomBytes } from 'node:crypto';
import { Binary, type Document } from 'bson';
import { Index, type IndexSpec } from './Index.js';
import { valueKey } from './valueKey.js';

/** The `_id_` index every collection has. */
export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** A new collection UUID (BSON Binary subtype 4), as mongod assigns one per collection. */
export function newCollectionUUID(): Binary {
  return new Binary(randomBytes(16), Binary.SUBTYPE_UUID);
}

/**
 * One collection's documents in natural (insertion) order, keyed by `_id`, with its indexes.
 * Stored documents are never mutated in place: writes replace them, so readers and oplog images
 * can hold on to them.
 */
export class Collection {
  readonly uuid: Binary;
  /** Options as given to create / collMod (e.g. changeStreamPreAndPostImages). */
  options: Document;
  private readonly docs = new Map<string, Document>();
  private readonly indexList: Index[] = [];

  constructor(
    public db: string,
    public name: string,
    options: Document = {},
    uuid: Binary = newCollectionUUID(),
  ) {
    this.options = options;
    this.uuid = uuid;
    this.indexList.push(new Index(ID_INDEX_SPEC, () => this.ns));
  }

  /**
   * A private copy (same uuid, documents and indexes) that can be changed without touching this
   * one: a transaction's snapshot of the collection.
   */
  snapshotCopy(): Collection {
    const copy = new Collection(this.db, this.name, { ...this.options }, this.uuid);
    for (const [idKey, doc] of this.docs) copy.docs.set(idKey, doc);
    for (const index of this.indexList) if (index.name !== '_id_') copy.addIndex(index.forCollection(() => copy.ns));
    return copy;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.docs.size;
  }

  /** A view (`create` with `viewOn`): no documents of its own; reads run its pipeline. */
  get isView(): boolean {
    return this.options.viewOn !== undefined;
  }

  /** Whether writes record pre- and post-images for change streams. */
  get imagesRecorded(): boolean {
    const setting = this.options.changeStreamPreAndPostImages as Document | undefined;
    return setting?.enabled === true;
  }

  /** Documents in natural order (a snapshot: safe to write while iterating the result). */
  documents(): Document[] {
    return [...this.docs.values()];
  }

  findById(id: unknown): Document | undefined {
    return this.docs.get(valueKey(id));
  }

  get indexes(): readonly Index[] {
    return this.indexList;
  }

  /** Adds an index after checking that existing documents satisfy it (throws DuplicateKey). */
  addIndex(index: Index): void {
    for (const [idKey, doc] of this.docs) {
      index.check(doc, idKey);
      index.add(doc, idKey);
    }
    this.indexList.push(index);
  }

  removeIndex(name: string): void {
    const at = this.indexList.findIndex((index) => index.name === name);
    if (at > 0) this.indexList.splice(at, 1);
  }

  /** Stores a new document (its `_id` already set). Throws DuplicateKey, storing nothing. */
  insert(doc: Document): void {
    const idKey = valueKey(doc._id);
    // The document map itself is the _id_ index.
    if (this.docs.has(idKey)) throw this.indexList[0]!.duplicateKeyError([doc._id]);
    for (const index of this.indexList) if (index.name !== '_id_') index.check(doc, idKey);
    for (const index of this.indexList) if (index.name !== '_id_') index.add(doc, idKey);
    this.docs.set(idKey, doc);
  }

  /** Swaps a stored document for its new version (same `_id`). Throws DuplicateKey, changing nothing. */
  replace(before: Document, after: Document): void {
    const idKey = valueKey(before._id);
    for (const index of this.indexList) if (index.name !== '_id_') index.check(after, idKey);
    for (const index of this.indexList) {
      if (index.name === '_id_') continue;
      index.remove(before, idKey);
      index.add(after, idKey);
    }
    this.docs.set(idKey, after);
  }

  remove(doc: Document): void {
    const idKey = valueKey(doc._id);
    for (const index of this.indexList) if (index.name !== '_id_') index.remove(doc, idKey);
    this.docs.delete(idKey);
  }
}
