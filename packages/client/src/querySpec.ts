import { type QuerySpec, toQuerySpec, UnsupportedSortError } from '@mongo-live/protocol';
import type { Document, Filter, Sort } from 'mongodb';
import { LiveError } from './LiveError.js';

/**
 * Options of `find()` and `liveQuery()`.
 *
 * @example
 * products.find({ category: 'books' }, { sort: { price: 1 }, limit: 20, projection: { name: 1, price: 1 } });
 */
export interface QueryOptions {
  /** Any shape the mongodb driver accepts: `{ a: 1 }`, `'a'`, `['a', 'b']`, `['a', -1]`, `[['a', 1]]`, a Map. */
  sort?: Sort;
  limit?: number;
  skip?: number;
  projection?: Document;
}

/**
 * The protocol's `toQuerySpec`, with the client's error: a sort the wire cannot carry (`$meta`,
 * an unknown direction) is a `LiveError` with code `INVALID_REQUEST`.
 *
 * @example
 * querySpecOf('shop', 'products', { price: { $lt: 10 } }, { sort: { price: -1 } }).sort // [['price', -1]]
 */
export function querySpecOf<T>(db: string, collection: string, filter?: Filter<T>, options?: QueryOptions): QuerySpec {
  try {
    return toQuerySpec(db, collection, filter, options);
  } catch (error) {
    if (error instanceof UnsupportedSortError) throw new LiveError('INVALID_REQUEST', error.message);
    throw error;
  }
}
