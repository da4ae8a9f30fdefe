import type { WireError } from '@mongo-live/protocol';
import type { Document, MongoClient } from 'mongodb';
import type { EqualityPredicate } from './equality.js';
import type { ReadTime } from './ReadTime.js';
import type { WindowRead } from './readWindow.js';

/**
 * What a {@link CollectionFeed} drives: a live query (`SharedLiveQuery`) or a live count
 * (`SharedLiveCount`). The feed reads it, joins the read with the change feed (events at or
 * before the read's cluster time are dropped while it loads), dispatches events to it through the
 * equality index, re-reads it when it asks (`refill`) or when the feed restarts, and publishes
 * what changed as one update per event, or per transaction (its events are applied together, so
 * subscribers never see half of it). `C` is one change of what subscribers see.
 *
 * @example
 * const view: LiveView<LiveQueryDiff> = new SharedLiveQuery(id, query, sink, membership);
 * view.publish(view.apply(docId, doc, normalized).diffs);
 */
export interface LiveView<C = unknown> {
  readonly closed: boolean;
  /** An equality the view's filter implies, so events of other documents skip it. */
  readonly predicate: EqualityPredicate | undefined;
  /** The cluster time up to which the view is known current (the feed advances it after each read). */
  readonly readTime: ReadTime;
  /** Reads the view's content from the database (see `readWindow`: complete at its `operationTime`). */
  read(mongo: MongoClient, db: string, collection: string): Promise<WindowRead>;
  /** Sets the content from the first read (`keyOnly`: leading documents read as keys, see `WindowRead`). */
  load(docs: Document[], keyOnly: number): void;
  /** Replaces the content from a later read; returns what subscribers must be told. */
  refresh(docs: Document[], keyOnly: number): C[];
  /** Applies the new state of one document (null: gone); `refill` asks for a re-read. */
  apply(docId: string, doc: Document | null, normalized: Document | null): { diffs: C[]; refill: boolean };
  /** Sends one update with these changes (nothing when there is nothing to tell). */
  publish(changes: C[]): void;
  /** Ids of the documents the view holds (for the dispatch index). */
  docIds(): Iterable<string>;
  /** Ends the view for every subscriber. */
  fail(error: WireError): void;
}
