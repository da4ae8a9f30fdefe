// useLiveCount and useLiveQuery(spec, { withTotal: true }) against the real bridge and a real database.
import { LiveProvider, liveHydrateOptions, useLiveCount, useLiveQuery } from '@mongo-live/react';
import { liveDehydrateOptions, prefetchLiveCount } from '@mongo-live/server-bridge';
import { dehydrate, HydrationBoundary, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { setUpLiveStack } from '../support/liveServer.js';

const stack = setUpLiveStack();
afterEach(() => cleanup());

function wrap(children: ReactNode) {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <LiveProvider client={stack.live}>{children}</LiveProvider>
    </QueryClientProvider>
  );
}

function Badge({ user }: { user: string }) {
  const { data, liveStatus } = useLiveCount({ db: stack.server.mongo.dbName, collection: 'orders', filter: { user } });
  return (
    <p data-testid={`badge-${user}`}>
      {liveStatus}:{data ?? '-'}
    </p>
  );
}

function Window() {
  const { data = [], total } = useLiveQuery<{ _id: number; n: number }>(
    { db: stack.server.mongo.dbName, collection: 'items', filter: { n: { $gte: 0 } }, sort: { n: 1 }, limit: 2 },
    { withTotal: true },
  );
  return (
    <p data-testid="window">
      {data.map((d) => d.n).join(',')} of {total ?? '?'}
    </p>
  );
}

/** A count of `ssr_orders`, for the server-rendering test. */
function SsrBadge({ filter }: { filter: { user: string } }) {
  const { data } = useLiveCount({ db: stack.server.mongo.dbName, collection: 'ssr_orders', filter });
  return <p data-testid="ssr-badge">{data ?? '-'}</p>;
}

describe('useLiveCount', () => {
  it('shows a live count per user, following writes', async () => {
    const orders = stack.server.mongo.db.collection('orders');
    await orders.insertMany([{ user: 'a' }, { user: 'a' }, { user: 'b' }]);
    render(
      wrap(
        <>
          <Badge user="a" />
          <Badge user="b" />
          <Badge user="c" />
        </>,
      ),
    );
    await waitFor(() => expect(screen.getByTestId('badge-a').textContent).toBe('live:2'));
    await waitFor(() => expect(screen.getByTestId('badge-b').textContent).toBe('live:1'));
    await waitFor(() => expect(screen.getByTestId('badge-c').textContent).toBe('live:0'));
    await orders.insertOne({ user: 'c' });
    await orders.deleteMany({ user: 'a' });
    await waitFor(() => expect(screen.getByTestId('badge-c').textContent).toBe('live:1'));
    await waitFor(() => expect(screen.getByTestId('badge-a').textContent).toBe('live:0'));
  });

  it('useLiveQuery withTotal: the window and the live total of its filter', async () => {
    const items = stack.server.mongo.db.collection<{ _id: number; n: number }>('items');
    await items.insertMany([
      { _id: 1, n: 5 },
      { _id: 2, n: 1 },
      { _id: 3, n: 3 },
      { _id: 4, n: -1 },
    ]);
    render(wrap(<Window />));
    await waitFor(() => expect(screen.getByTestId('window').textContent).toBe('1,3 of 3'));
    await items.insertOne({ _id: 5, n: 0 });
    await waitFor(() => expect(screen.getByTestId('window').textContent).toBe('0,1 of 4'));
    await items.updateOne({ _id: 4 }, { $set: { n: 9 } });
    await waitFor(() => expect(screen.getByTestId('window').textContent).toBe('0,1 of 5'));
  });
  it('SSR: a count prefetched on the server (row filter applied) renders at once, then goes live', async () => {
    const orders = stack.server.mongo.db.collection('ssr_orders');
    await orders.insertMany([
      { user: 'ada', tenant: 't1' },
      { user: 'ada', tenant: 't2' }, // another tenant's: the row filter leaves it out
      { user: 'bob', tenant: 't1' },
    ]);
    const serverClient = new QueryClient();
    const context = {
      mongo: stack.server.mongo.client,
      authorize: () => ({ filter: { tenant: 't1' }, projection: { secret: 0 } }),
    };
    const spec = { db: stack.server.mongo.dbName, collection: 'ssr_orders', filter: { user: 'ada' } };
    expect(await prefetchLiveCount(serverClient, context, spec)).toBe(1);
    await expect(
      prefetchLiveCount(new QueryClient(), context, { ...spec, filter: { secret: 'x' } }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const state = JSON.parse(JSON.stringify(dehydrate(serverClient, liveDehydrateOptions)));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <HydrationBoundary state={state} options={liveHydrateOptions}>
          <LiveProvider client={stack.live}>
            <SsrBadge filter={spec.filter} />
          </LiveProvider>
        </HydrationBoundary>
      </QueryClientProvider>,
    );
    // The first render already has the number (the browser's live count here has no row filter).
    expect(screen.getByTestId('ssr-badge').textContent).toBe('1');
    await orders.insertOne({ user: 'ada', tenant: 't3' });
    await waitFor(() => expect(screen.getByTestId('ssr-badge').textContent).toBe('3'));
  });
});
