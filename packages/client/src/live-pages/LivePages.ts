import type { LivePagesAccepted, LivePagesRequest, LivePagesUpdate } from '@mongo-live/protocol';
import type { Document, WithId } from 'mongodb';
import { LiveError } from '../LiveError.js';
import { applyDiffs, type DocList, EMPTY_LIST, listOf, reconcile } from '../live-query/DocList.js';
import { type LiveQueryStatus, LiveResult, type LiveResultState } from '../subscription/LiveResult.js';
import type { LiveTransport } from '../transport/LiveTransport.js';

/**
 * State of live pages, read through `getSnapshot()`: a new object whenever something changes.
 *
 * @example
 * const { pages, hasNextPage, status } = products.getSnapshot();
 */
export interface LivePagesState<T> extends LiveResultState {
  pages: WithId<T>[][];
  /** False once the bridge found nothing after the last page. */
  hasNextPage: boolean;
}

/**
 * The wire form of live pages: a query without skip or limit, and a page size. The protocol's
 * `pages` request without what the transport and the live pages add (`v`, `subId`, `pageCount`).
 *
 * @example
 * const spec: PagesSpec = { db: 'shop', collection: 'products', sort: [['price', 1]], pageSize: 50 };
 */
export type PagesSpec = Omit<LivePagesRequest, 'v' | 'subId' | 'pageCount'>;

/**
 * A query's result in live pages (infinite scrolling): every loaded page stays current. The
 * bridge bounds pages by sort keys (keyset), so under concurrent inserts, deletes and sort-key
 * updates no document shows twice or is skipped between pages, and a document whose sort key
 * crosses a boundary moves to its page. `fetchNextPage()` reads one page after the last (never
 * N × pageSize documents). After a reconnect the same number of pages is loaded afresh, keeping
 * document identities. Prefer `collection.livePages(filter, { sort, pageSize })`.
 *
 * @example
 * const products = live.db('shop').collection('products').livePages({}, { sort: { price: 1 }, pageSize: 50 });
 * products.subscribe(() => render(products.getSnapshot().pages.flat()));
 * await products.ready();
 * await products.fetchNextPage();
 */
export class LivePages<T = Document> extends LiveResult<
  LivePagesState<T>,
  WithId<T>[][],
  LivePagesAccepted,
  LivePagesUpdate
> {
  private lists: DocList<WithId<T>>[];
  private hasNext = true;
  private version = 0;
  private subId: string | undefined;
  /** Pages to ask for when (re)subscribing: what is loaded, plus one per fetch made while away. */
  private wanted: number;
  private fetching: Promise<void> | undefined;

  constructor(
    private readonly transport: LiveTransport,
    readonly spec: PagesSpec,
    options: { initialPages?: readonly (readonly WithId<T>[])[] } = {},
  ) {
    const lists = (options.initialPages ?? []).map((docs) => listOf(docs));
    super({ pages: lists.map((l) => l.docs as WithId<T>[]), hasNextPage: true, status: 'loading' }, 'live pages');
    this.lists = lists;
    this.wanted = Math.max(1, lists.length);
    this.open(transport, {
      listen: (t, routes) => [
        t.on('pages:update', (update) => routes.data(update.pagesId, update)),
        t.on('query:error', (message) => routes.error(message.queryId, message.error)),
      ],
      request: (t, subId) => t.request('pages', { ...this.spec, pageCount: this.wanted, subId }),
      channel: (ack) => ack.pagesId,
      accepted: (ack, early) => {
        this.subId = ack.subId;
        this.version = ack.version;
        this.lists = ack.pages.map((docs, i) => reconcile(this.lists[i] ?? EMPTY_LIST, docs));
        this.hasNext = ack.hasNextPage;
        for (const update of early) this.received(update);
      },
      received: (update) => this.received(update),
    });
  }

  /**
   * Loads the page after the last one (nothing when `hasNextPage` is false). Resolves once it is
   * in the snapshot; while disconnected, once the resubscription brought it.
   */
  fetchNextPage(): Promise<void> {
    this.fetching ??= this.fetchOnce().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetchOnce(): Promise<void> {
    await this.ready();
    if (!this.hasNext || this.state.status === 'closed') return;
    const subId = this.subId;
    if (subId === undefined) {
      this.wanted = this.lists.length + 1;
      await this.untilOpen();
      return;
    }
    try {
      await this.transport.request('pages:more', { subId });
    } catch (error) {
      if (!(error instanceof LiveError) || error.code !== 'DISCONNECTED') throw error;
      // Lost on the way: the resubscription asks for one more page.
      this.wanted = this.lists.length + 1;
      await this.untilOpen();
    }
  }

  private untilOpen(): Promise<void> {
    return new Promise((resolve) => {
      const off = this.subscribe(() => {
        const { status } = this.state;
        if (status === 'live' || status === 'stale' || status === 'error' || status === 'closed') {
          off();
          resolve();
        }
      });
    });
  }

  private received(update: LivePagesUpdate): void {
    if (update.version <= this.version) return;
    if (update.version !== this.version + 1) {
      // Missed an update: load the same pages afresh (documents stay visible).
      this.wanted = Math.max(1, this.lists.length);
      this.subscription.resubscribe();
      return;
    }
    this.version = update.version;
    for (const change of update.changes) {
      const list = this.lists[change.page];
      if (!list) throw new Error(`update of page ${change.page}, which is not loaded`);
      this.lists[change.page] = applyDiffs(list, change.diffs);
    }
    if (update.append) this.lists.push(reconcile(EMPTY_LIST, update.append));
    this.hasNext = update.hasNextPage;
    this.wanted = Math.max(1, this.lists.length);
    this.updated();
  }

  private pagesOf(): WithId<T>[][] {
    return this.lists.map((l) => l.docs as WithId<T>[]);
  }

  protected publish(status: LiveQueryStatus): void {
    // The subscription is not current outside 'live'/'stale': fetchNextPage() then waits for the next one.
    if (status !== 'live' && status !== 'stale') this.subId = undefined;
    const pages = this.pagesOf();
    const same = pages.length === this.state.pages.length && pages.every((p, i) => p === this.state.pages[i]);
    this.setState({ pages: same ? this.state.pages : pages, hasNextPage: this.hasNext, status });
  }

  protected value(): WithId<T>[][] {
    return this.state.pages;
  }

  protected sameData(a: LivePagesState<T>, b: LivePagesState<T>): boolean {
    return a.pages === b.pages && a.hasNextPage === b.hasNextPage;
  }
}
