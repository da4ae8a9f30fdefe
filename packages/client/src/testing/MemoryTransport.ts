import {
  type AckData,
  type ClientToServerEvents,
  decode,
  type EJSONDocument,
  encode,
  type LiveCountRequest,
  type LivePagesRequest,
  type LiveQueryDiff,
  type QuerySpec,
  type ServerToClientEvents,
  type WireError,
  type WireWatchOptions,
} from '@mongo-live/protocol';
import {
  compileMatcher,
  LiveQueryEngine,
  type Matcher,
  normalizeNumbers,
  valueKey,
} from '@mongo-live/server-bridge/engine';
import type { Timestamp } from 'bson';
import type { Document } from 'mongodb';
import { LiveError } from '../LiveError.js';
import type { ConnectionStatus, LiveTransport, RequestPayload } from '../transport/LiveTransport.js';
import { type MemoryChange, type MemoryDatabase, seqOfToken, tokenOf } from './MemoryDatabase.js';
import { MemoryLiveCount, MemoryLivePages } from './MemoryLiveViews.js';

interface QuerySub {
  kind: 'query';
  queryId: string;
  spec: QuerySpec;
  engine: LiveQueryEngine;
  version: number;
}

interface StreamSub {
  kind: 'watch';
  streamId: string;
  target: { db?: string; collection?: string };
  matches: Matcher;
  fullDocument: WireWatchOptions['fullDocument'];
}

interface PagesSub {
  kind: 'pages';
  pages: MemoryLivePages;
}

interface CountSub {
  kind: 'count';
  count: MemoryLiveCount;
}

type Sub = QuerySub | StreamSub | PagesSub | CountSub;

type Listener = (...args: unknown[]) => void;

/**
 * A {@link LiveTransport} with the bridge inside: requests are answered from a MemoryDatabase by
 * the bridge's own LiveQueryEngine (so filters, sort with the `_id` tiebreak, skip, limit and
 * projection give exactly the bridge's results and diffs; live pages on the bridge's own PageSet,
 * live counts by the ids they count), and every write reaches the open live queries as
 * `query:update`, live pages as `pages:update`, counts as `count:update` and the open change
 * streams as `change` batches. The status, the
 * latency of every answer and message, and failures are the test's to set. Internal to the
 * testing client; `createTestLiveClient` is the public face.
 *
 * @example
 * const transport = new MemoryTransport(new MemoryDatabase({ shop: { products: [] } }));
 * transport.setStatus('reconnecting'); // subscriptions are dropped, as a lost socket's would be
 */
export class MemoryTransport implements LiveTransport {
  private current: ConnectionStatus = 'connected';
  private latency = 0;
  private failure: WireError | undefined;
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subs = new Map<string, Sub>();
  private readonly waiting = new Set<() => void>();
  private counter = 0;
  private readonly stopWatching: () => void;

  constructor(
    readonly database: MemoryDatabase,
    options: { status?: ConnectionStatus; latencyMs?: number } = {},
  ) {
    this.current = options.status ?? 'connected';
    this.latency = options.latencyMs ?? 0;
    this.stopWatching = database.onChange((change) => this.dispatch(change));
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  /** Milliseconds every answer and server message takes from now on. */
  setLatency(ms: number): void {
    this.latency = Math.max(0, ms);
  }

  /**
   * Moves the connection to `status`, as the real transport would: 'reconnecting', 'connecting'
   * and 'disconnected' drop every subscription (the bridge forgets a lost socket's), and requests
   * wait for 'connected' ('disconnected' rejects them); 'stale' keeps everything but says so.
   */
  setStatus(status: ConnectionStatus): void {
    if (status === this.current) return;
    const up = status === 'connected' || status === 'stale';
    if (!up) this.subs.clear();
    this.current = status;
    for (const listener of [...this.statusListeners]) listener(status);
    if (status === 'connected') for (const go of [...this.waiting]) go();
  }

  /**
   * Fails every open live query and change stream with `error` (as `query:error` / `stream:error`),
   * and every request until {@link recover}.
   */
  fail(error: WireError): void {
    this.failure = error;
    for (const sub of this.subs.values())
      if (sub.kind === 'watch') this.emit('stream:error', { streamId: sub.streamId, error });
      else this.emit('query:error', { queryId: queryIdOf(sub), error });
    this.subs.clear();
  }

  /** Ends {@link fail}: requests are answered again. */
  recover(): void {
    this.failure = undefined;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  newSubId(): string {
    this.counter += 1;
    return `mem-${this.counter}`;
  }

  request<E extends keyof ClientToServerEvents>(event: E, payload: RequestPayload<E>): Promise<AckData<E>> {
    return new Promise<AckData<E>>((resolve, reject) => {
      const answer = () =>
        this.later(() => {
          if (this.current !== 'connected' && this.current !== 'stale')
            return reject(new LiveError('DISCONNECTED', 'the connection to the mongo-live server was lost'));
          if (this.failure) return reject(LiveError.fromWire(this.failure));
          try {
            resolve(this.handle(event, payload as unknown as Document) as AckData<E>);
          } catch (error) {
            reject(error instanceof LiveError ? error : new LiveError('INVALID_REQUEST', String(error)));
          }
        });
      if (this.current === 'connected' || this.current === 'stale') return answer();
      if (this.current === 'disconnected')
        return reject(new LiveError('DISCONNECTED', 'not connected to the mongo-live server'));
      const go = () => {
        this.waiting.delete(go);
        answer();
      };
      this.waiting.add(go);
    });
  }

  /** Resolves once every message sent so far has been delivered (after the latency). */
  delivered(): Promise<void> {
    return new Promise((resolve) => this.later(resolve));
  }

  /** Stops listening to the database; pending requests are left unanswered. */
  close(): void {
    this.stopWatching();
    this.subs.clear();
    this.waiting.clear();
    this.setStatus('disconnected');
    this.statusListeners.clear();
  }

  private handle(event: string, payload: Document): unknown {
    switch (event) {
      case 'query':
        return this.query(payload as QuerySpec & { subId: string });
      case 'find':
        return { docs: this.engineFor(payload as QuerySpec).visible() };
      case 'watch':
        return this.watch(payload);
      case 'pages':
        return this.pages(payload as LivePagesRequest);
      case 'pages:more':
        return this.morePages(String(payload.subId));
      case 'count':
        return this.count(payload as LiveCountRequest);
      case 'unsubscribe':
        this.subs.delete(String(payload.subId));
        return null;
      case 'ping':
        return null;
      default:
        throw new LiveError('INVALID_REQUEST', `unknown event '${event}'`);
    }
  }

  private engineFor(spec: QuerySpec): LiveQueryEngine {
    const filter = decode<Document>(spec.filter ?? {});
    const engine = new LiveQueryEngine({
      db: spec.db,
      collection: spec.collection,
      filter,
      ...(spec.sort ? { sort: spec.sort } : {}),
      ...(spec.skip ? { skip: spec.skip } : {}),
      ...(spec.limit ? { limit: spec.limit } : {}),
      ...(spec.projection ? { projection: decode<Document>(spec.projection) } : {}),
    });
    engine.load(this.database.matching(spec.db, spec.collection, filter));
    return engine;
  }

  private query(spec: QuerySpec & { subId: string }) {
    const engine = this.engineFor(spec);
    const queryId = `q-${spec.subId}`;
    this.subs.set(spec.subId, { kind: 'query', queryId, spec, engine, version: 0 });
    return { subId: spec.subId, queryId, docs: engine.visible(), version: 0 };
  }

  private pages(request: LivePagesRequest) {
    const pages = new MemoryLivePages(this.database, request, `p-${request.subId}`);
    this.subs.set(request.subId, { kind: 'pages', pages });
    return pages.accepted(request.subId);
  }

  /** Like the bridge, the appended page arrives before the ack. */
  private morePages(subId: string) {
    const sub = this.subs.get(subId);
    if (sub?.kind !== 'pages') throw new LiveError('CLOSED', 'these live pages ended');
    const update = sub.pages.more();
    if (update) this.emit('pages:update', update, subId);
    return this.delivered().then(() => ({ version: update?.version ?? 0 }));
  }

  private count(request: LiveCountRequest) {
    const count = new MemoryLiveCount(this.database, request, `c-${request.subId}`);
    this.subs.set(request.subId, { kind: 'count', count });
    return { subId: request.subId, countId: count.countId, count: count.count, version: 0 };
  }

  private watch(request: Document) {
    const subId = String(request.subId);
    const target = (request.target ?? {}) as { db?: string; collection?: string };
    const pipeline = decode<Document[]>(request.pipeline ?? []);
    const stages = pipeline.map((stage) => {
      const [name, ...rest] = Object.keys(stage);
      if (name !== '$match' || rest.length > 0)
        throw new LiveError('INVALID_REQUEST', `the testing client runs $match stages only, not ${name}`);
      return compileMatcher(stage.$match as Document);
    });
    const options = (request.options ?? {}) as WireWatchOptions;
    const sub: StreamSub = {
      kind: 'watch',
      streamId: `s-${subId}`,
      target,
      matches: (event) => stages.every((m) => m(event)),
      fullDocument: options.fullDocument,
    };
    const resumeFrom = options.resumeAfter ?? options.startAfter;
    const since = options.startAtOperationTime ? decode<Timestamp>(options.startAtOperationTime) : undefined;
    const history =
      resumeFrom !== undefined
        ? this.database.changesAfter({ seq: seqOfToken(decode(resumeFrom)) ?? this.database.position })
        : this.database.changesAfter(since ? { since } : {});
    this.subs.set(subId, sub);
    // Like the bridge: events after the ack's position arrive as batches; history first.
    const position = history.length > 0 ? history[0]!.seq - 1 : this.database.position;
    for (const change of history) this.deliver(sub, change, subId);
    return { subId, streamId: sub.streamId, resumeToken: encode(tokenOf(position)) as EJSONDocument };
  }

  private dispatch(change: MemoryChange): void {
    for (const [subId, sub] of this.subs)
      if (sub.kind === 'query') this.applyToQuery(sub, change);
      else if (sub.kind === 'watch') this.deliver(sub, change, subId);
      else if (sub.kind === 'pages') {
        const update = sub.pages.apply(change);
        if (update) this.emit('pages:update', update, subId);
      } else {
        const count = sub.count.apply(change);
        if (count !== undefined)
          this.emit('count:update', { countId: sub.count.countId, version: sub.count.version, count }, subId);
      }
  }

  private applyToQuery(sub: QuerySub, change: MemoryChange): void {
    const ns = change.event.ns as { db: string; coll: string };
    if (ns.db !== sub.spec.db || ns.coll !== sub.spec.collection) return;
    const id = (change.event.documentKey as { _id: unknown })._id;
    const { diffs, refill } = sub.engine.apply(
      valueKey(id),
      change.after,
      change.after && normalizeNumbers(change.after),
    );
    const all: LiveQueryDiff[] = [...diffs];
    // The window lost a member it cannot replace from memory: the bridge re-reads it; so do we.
    if (refill)
      all.push(...sub.engine.refresh(this.database.matching(ns.db, ns.coll, decode<Document>(sub.spec.filter ?? {}))));
    if (all.length === 0) return;
    sub.version += 1;
    this.emit('query:update', { queryId: sub.queryId, version: sub.version, diffs: all });
  }

  private deliver(sub: StreamSub, change: MemoryChange, subId: string): void {
    const ns = change.event.ns as { db: string; coll: string };
    if (sub.target.db !== undefined && sub.target.db !== ns.db) return;
    if (sub.target.collection !== undefined && sub.target.collection !== ns.coll) return;
    const withLookup = change.event.operationType === 'update' && sub.fullDocument && sub.fullDocument !== 'default';
    const event = withLookup ? { ...change.event, fullDocument: change.after } : change.event;
    if (!sub.matches(normalizeNumbers(event))) return;
    const token = encode(event._id) as EJSONDocument;
    this.emit(
      'change',
      { streamId: sub.streamId, events: [encode(event) as EJSONDocument], postBatchResumeToken: token },
      subId,
    );
  }

  /** Emits a server event after the latency, unless its subscription ended meanwhile. */
  private emit(event: keyof ServerToClientEvents, message: unknown, subId?: string): void {
    this.later(() => {
      if (subId !== undefined && !this.subs.has(subId)) return;
      for (const listener of [...(this.listeners.get(event) ?? [])]) listener(message);
    });
  }

  private later(run: () => void): void {
    if (this.latency > 0) setTimeout(run, this.latency);
    else queueMicrotask(run);
  }
}

/** The id `query:error` names for a live query, count or pages subscription. */
function queryIdOf(sub: QuerySub | PagesSub | CountSub): string {
  if (sub.kind === 'query') return sub.queryId;
  return sub.kind === 'pages' ? sub.pages.pagesId : sub.count.countId;
}
