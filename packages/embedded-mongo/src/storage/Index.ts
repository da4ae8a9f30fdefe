import type { Document } from 'bson';
import { CommandError, ErrorCode } from '../errors.js';
import { compileFilter } from '../query/filter/compileFilter.js';
import { valuesAtPath } from './documentPath.js';
import { formatKeyValue } from './formatKeyValue.js';
import { valueKey } from './valueKey.js';

/** An index as listIndexes reports it: `{ v: 2, key, name, unique?, sparse?, ... }`. */
export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
}

/** One key of a document in an index: the values of the key fields and their canonical string. */
interface IndexKey {
  values: unknown[];
  id: string;
}

/**
 * An index of a collection. Only unique indexes keep entries (queries scan the collection), so
 * non-unique indexes are metadata; unique ones reject duplicates with E11000 as mongod does.
 */
export class Index {
  readonly fields: string[];
  readonly unique: boolean;
  /** Unique key → valueKey of the owning document's `_id`. */
  private readonly entries = new Map<string, string>();

  /** An index from its spec, with the document filter of a partialFilterExpression. */
  static fromSpec(spec: IndexSpec, ns: () => string): Index {
    const partial = spec.partialFilterExpression as Document | undefined;
    return new Index(spec, ns, partial ? compileFilter(partial) : undefined);
  }

  /** The same index for another collection object (a transaction's snapshot copy). */
  forCollection(ns: () => string): Index {
    return new Index(this.spec, ns, this.covers);
  }

  constructor(
    readonly spec: IndexSpec,
    /** `db.coll`, read at error time (collections can be renamed). */
    private readonly ns: () => string,
    /** Documents outside a partialFilterExpression are not indexed. */
    private readonly covers: (doc: Document) => boolean = () => true,
  ) {
    this.fields = Object.keys(spec.key);
    this.unique = spec.unique === true || spec.name === '_id_';
  }

  get name(): string {
    return this.spec.name;
  }

  /** Throws DuplicateKey if `doc` (with `_id` key `idKey`) would collide with another document. */
  check(doc: Document, idKey: string): void {
    if (!this.unique) return;
    for (const key of this.keysOf(doc)) {
      const owner = this.entries.get(key.id);
      if (owner !== undefined && owner !== idKey) throw this.duplicateKeyError(key.values);
    }
  }

  add(doc: Document, idKey: string): void {
    if (!this.unique) return;
    for (const key of this.keysOf(doc)) this.entries.set(key.id, idKey);
  }

  remove(doc: Document, idKey: string): void {
    if (!this.unique) return;
    for (const key of this.keysOf(doc)) {
      if (this.entries.get(key.id) === idKey) this.entries.delete(key.id);
    }
  }

  private keysOf(doc: Document): IndexKey[] {
    if (!this.covers(doc)) return [];
    const perField = this.fields.map((field) => {
      const values = valuesAtPath(doc, field).flatMap((v) => (Array.isArray(v) && v.length > 0 ? v : [v]));
      return values.length === 0 ? [null] : values;
    });
    if (this.spec.sparse === true && this.fields.every((field) => valuesAtPath(doc, field).length === 0)) return [];
    let tuples: unknown[][] = [[]];
    for (const values of perField) tuples = tuples.flatMap((tuple) => values.map((v) => [...tuple, v]));
    const seen = new Map<string, IndexKey>();
    for (const values of tuples) {
      const id = values.length === 1 ? valueKey(values[0]) : valueKey(values);
      seen.set(id, { values, id });
    }
    return [...seen.values()];
  }

  /** The E11000 error for a key (values of the key fields, in order). */
  duplicateKeyError(values: unknown[]): CommandError {
    const keyValue: Document = {};
    this.fields.forEach((field, i) => {
      keyValue[field] = values[i] ?? null;
    });
    const message = `E11000 duplicate key error collection: ${this.ns()} index: ${this.name} dup key: ${formatKeyValue(keyValue)}`;
    return new CommandError(ErrorCode.DuplicateKey, 'DuplicateKey', message, {
      keyPattern: { ...this.spec.key },
      keyValue,
    });
  }
}

/** The default name of an index: `a_1_b_-1`, `loc_2dsphere`, `t_text`. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(
      ([field, kind]) =>
        `${field}_${typeof kind === 'object' && kind !== null ? String(kind.valueOf()) : String(kind)}`,
    )
    .join('_');
}
