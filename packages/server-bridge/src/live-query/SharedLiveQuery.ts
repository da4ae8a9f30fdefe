import type { LiveQueryAccepted, LiveQueryDiff, LiveQueryUpdate, WireError } from '@mongo-live/protocol';
import type { Document, MongoClient } from 'mongodb';
import type { EffectiveQuery } from '../access/effectiveQuery.js';
import { encode } from '../driverBson.js';
import { type ApplyResult, type EngineLimits, LiveQueryEngine, type MembershipListener } from './LiveQueryEngine.js';
import type { LiveView } from './LiveView.js';
import { ReadTime } from './ReadTime.js';
import { readWindow, type WindowRead } from './readWindow.js';

/** Where a shared live query sends what happens to it (the bridge's room of `id`). */
export interface LiveQuerySink {
  emitUpdate(queryId: string, update: LiveQueryUpdate): void;
  emitError(queryId: string, error: WireError): void;
}

/**
 * One live query shared by every subscriber of the same effective query: its engine, its version
 * (one more per update sent) and the cluster time up to which its window is known to be current.
 *
 * @example
 * const q = new SharedLiveQuery(id, query, sink, membership);
 * q.publish(q.engine.apply(docId, doc, normalized).diffs);
 */
export class SharedLiveQuery implements LiveView<LiveQueryDiff> {
  readonly engine: LiveQueryEngine;
  version = 0;
  /** Events at or before this cluster time are already reflected in the window. */
  readonly readTime = new ReadTime();
  readonly subscribers = new Set<string>();
  closed = false;

  constructor(
    readonly id: string,
    readonly query: EffectiveQuery,
    private readonly sink: LiveQuerySink,
    membership: MembershipListener,
    limits?: EngineLimits,
  ) {
    this.engine = new LiveQueryEngine(query, membership, limits);
  }

  get predicate() {
    return this.engine.predicate;
  }

  read(mongo: MongoClient, db: string, collection: string): Promise<WindowRead> {
    return readWindow(mongo, db, collection, this.engine);
  }

  load(docs: Document[], keyOnly = 0): void {
    this.engine.load(docs, keyOnly);
  }

  refresh(docs: Document[], keyOnly = 0): LiveQueryDiff[] {
    return this.engine.refresh(docs, keyOnly);
  }

  apply(docId: string, doc: Document | null, normalized: Document | null): ApplyResult {
    return this.engine.apply(docId, doc, normalized);
  }

  docIds(): Iterable<string> {
    return this.engine.docIds();
  }

  /** True when an event at `clusterTime` is already contained in the window. */

  /** Current result and version: a subscriber's ack (the session adds its `subId`). */
  snapshot(): Omit<LiveQueryAccepted, 'subId'> {
    const snap: Omit<LiveQueryAccepted, 'subId'> = {
      queryId: this.id,
      docs: this.engine.visible(),
      version: this.version,
    };
    if (this.readTime.value) snap.clusterTime = encode(this.readTime.value);
    return snap;
  }

  /** Sends one update with these diffs (nothing when empty). */
  publish(diffs: LiveQueryDiff[]): void {
    if (diffs.length === 0 || this.closed) return;
    this.version += 1;
    this.sink.emitUpdate(this.id, { queryId: this.id, version: this.version, diffs });
  }

  fail(error: WireError): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.emitError(this.id, error);
  }
}
