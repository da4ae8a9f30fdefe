// useLiveInfiniteQuery against the real bridge and a real database: fetchNextPage while rows are
// inserted above, between and below the loaded pages.
import { LiveProvider, liveDehydrateOptions, liveHydrateOptions, useLiveInfiniteQuery } from '@mongo-live/react';
import { allowAll, prefetchLivePages } from '@mongo-live/server-bridge';
import { dehydrate, HydrationBoundary, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setUpLiveStack } from '../support/liveServer.js';

type Row = { _id: number; n: number };
const stack = setUpLiveStack();
afterEach(() => cleanup());

function Products({ collection = 'products' }: { collection?: string }) {
  const { data, fetchNextPage, hasNextPage, liveStatus } = useLiveInfiniteQuery<Row>(
    { db: stack.server.mongo.dbName, collection, sort: { n: 1 } },
    { pageSize: 2 },
  );
  return (
    <div>
      <p data-testid="status">{liveStatus}</p>
      <p data-testid="pages">{data?.pages.map((p) => p.map((d) => d.n).join(',')).join(' | ')}</p>
      <p data-testid="params">{data?.pageParams.join(',')}</p>
      {hasNextPage && (
        <button type="button" onClick={() => fetchNextPage()}>
          Load more
        </button>
      )}
    </div>
  );
}

describe('useLiveInfiniteQuery', () => {
  it('loads more pages, keeps them live under inserts above, between and below, and ends hasNextPage', async () => {
    const coll = stack.server.mongo.db.collection<Row>('products');
    await coll.insertMany([10, 20, 30, 40, 50].map((n) => ({ _id: n, n })));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <LiveProvider client={stack.live}>
          <Products />
        </LiveProvider>
      </QueryClientProvider>,
    );
    const pages = () => screen.getByTestId('pages').textContent;
    await waitFor(() => expect(pages()).toBe('10,20'));
    await act(async () => fireEvent.click(screen.getByText('Load more')));
    await waitFor(() => expect(pages()).toBe('10,20 | 30,40'));
    expect(screen.getByTestId('params').textContent).toBe('0,1');
    await coll.insertMany([
      { _id: 5, n: 5 }, // above the first page
      { _id: 25, n: 25 }, // between the pages
      { _id: 35, n: 35 }, // inside the second page
      { _id: 45, n: 45 }, // below the loaded pages
    ]);
    await waitFor(() => expect(pages()).toBe('5,10,20 | 25,30,35,40'));
    await coll.updateOne({ _id: 10 }, { $set: { n: 38 } }); // crosses into the second page
    await waitFor(() => expect(pages()).toBe('5,20 | 25,30,35,38,40'));
    await act(async () => fireEvent.click(screen.getByText('Load more')));
    await waitFor(() => expect(pages()).toBe('5,20 | 25,30,35,38,40 | 45,50'));
    expect(screen.queryByText('Load more')).toBeNull(); // nothing after 50
    await coll.insertOne({ _id: 60, n: 60 });
    await waitFor(() => expect(pages()).toBe('5,20 | 25,30,35,38,40 | 45,50,60'));
    expect(screen.getByTestId('status').textContent).toBe('live');
  });

  it('SSR: the first page prefetched on the server renders at once from the hydrated cache, then goes live', async () => {
    const coll = stack.server.mongo.db.collection<Row>('ssr');
    await coll.insertMany([3, 1, 2].map((n) => ({ _id: n, n })));
    const serverClient = new QueryClient();
    const first = await prefetchLivePages(
      serverClient,
      { mongo: stack.server.mongo.client, authorize: allowAll },
      { db: stack.server.mongo.dbName, collection: 'ssr', sort: { n: 1 } },
      { pageSize: 2 },
    );
    expect(first.map((d) => (d as Row).n)).toEqual([1, 2]);
    const state = JSON.parse(JSON.stringify(dehydrate(serverClient, liveDehydrateOptions)));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <HydrationBoundary state={state} options={liveHydrateOptions}>
          <LiveProvider client={stack.live}>
            <Products collection="ssr" />
          </LiveProvider>
        </HydrationBoundary>
      </QueryClientProvider>,
    );
    // The first render already has the page: no loading state.
    expect(screen.getByTestId('pages').textContent).toBe('1,2');
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('live'));
    await coll.insertOne({ _id: 0, n: 0 });
    await waitFor(() => expect(screen.getByTestId('pages').textContent).toBe('0,1,2'));
  });
});
