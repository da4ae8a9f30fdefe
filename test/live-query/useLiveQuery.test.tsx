// useLiveQuery, useSuspenseLiveQuery and SSR hydration against the real bridge and a real database.
import {
  createLiveClient,
  type LiveClient,
  LiveProvider,
  liveDehydrateOptions,
  liveHydrateOptions,
  useLiveQuery,
  useSuspenseLiveQuery,
} from '@mongo-live/react';
import { allowAll, prefetchLiveQuery } from '@mongo-live/server-bridge';
import { dehydrate, HydrationBoundary, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { memo, type ReactNode, StrictMode, Suspense } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';

type Row = { _id: number; name: string; n: number };

let server: LiveServer;
let live: LiveClient;
let queryRequests = 0;

beforeAll(async () => {
  server = await startLiveServer();
  server.io.of('/mongo-live').on('connection', (socket) => {
    socket.onAny((event: string) => {
      if (event === 'query') queryRequests++;
    });
  });
  live = createLiveClient({ url: server.url });
});
afterEach(() => cleanup());
afterAll(async () => {
  await live?.close();
  await server?.close();
});

const renders = new Map<number, number>();
const Item = memo(function Item({ doc }: { doc: Row }) {
  renders.set(doc._id, (renders.get(doc._id) ?? 0) + 1);
  return (
    <li>
      {doc.name}:{doc.n}
    </li>
  );
});

function List({ collection }: { collection: string }) {
  const { data = [], liveStatus } = useLiveQuery<Row>({
    db: server.mongo.dbName,
    collection,
    sort: { n: 1 },
  });
  return (
    <div>
      <p data-testid="status">{liveStatus}</p>
      <ul>
        {data.map((d) => (
          <Item key={d._id} doc={d} />
        ))}
      </ul>
    </div>
  );
}

function SuspenseList({ collection }: { collection: string }) {
  const { data } = useSuspenseLiveQuery<Row>({ db: server.mongo.dbName, collection, sort: { n: -1 } });
  return <p data-testid="names">{data.map((d) => d.name).join(',')}</p>;
}

// The bridge's own evaluation fails once a document has n > 5 ($toInt of 'x'): after the snapshot.
const ARMED = { $expr: { $cond: [{ $gt: ['$n', 5] }, { $eq: [{ $toInt: 'x' }, 1] }, true] } };
function Armed() {
  const {
    data = [],
    error,
    isError,
    liveStatus,
  } = useLiveQuery<Row>({
    db: server.mongo.dbName,
    collection: 'late',
    filter: ARMED,
    sort: { n: 1 },
  });
  return (
    <div>
      <p data-testid="status">{liveStatus}</p>
      <p data-testid="error">{isError ? `${(error as { code?: string }).code}` : 'none'}</p>
      <p data-testid="names">{data.map((d) => d.name).join(',')}</p>
    </div>
  );
}

function wrap(queryClient: QueryClient, children: ReactNode) {
  return (
    <QueryClientProvider client={queryClient}>
      <LiveProvider client={live}>{children}</LiveProvider>
    </QueryClientProvider>
  );
}

async function seed(collection: string, rows: Row[]) {
  await server.mongo.db.collection<Row>(collection).insertMany(rows);
  return server.mongo.db.collection<Row>(collection);
}

describe('useLiveQuery', () => {
  it('renders, updates live, and re-renders only the rows that changed', async () => {
    const coll = await seed('r1', [
      { _id: 1, name: 'a', n: 1 },
      { _id: 2, name: 'b', n: 2 },
      { _id: 3, name: 'c', n: 3 },
    ]);
    renders.clear();
    render(wrap(new QueryClient(), <List collection="r1" />));
    await screen.findByText('c:3');
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('live'));
    const before = new Map(renders);
    await coll.updateOne({ _id: 2 }, { $set: { n: 10 } });
    await screen.findByText('b:10');
    await coll.insertOne({ _id: 4, name: 'd', n: 0 });
    await screen.findByText('d:0');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['d:0', 'a:1', 'c:3', 'b:10']);
    expect(renders.get(1)).toBe(before.get(1)); // untouched rows kept their identity
    expect(renders.get(3)).toBe(before.get(3));
    expect(renders.get(2)).toBe((before.get(2) ?? 0) + 1);
  });

  it('suspends until the first snapshot, then stays live', async () => {
    const coll = await seed('r2', [{ _id: 1, name: 'x', n: 1 }]);
    render(
      wrap(
        new QueryClient(),
        <Suspense fallback={<p>loading</p>}>
          <SuspenseList collection="r2" />
        </Suspense>,
      ),
    );
    expect(screen.getByText('loading')).toBeTruthy();
    expect((await screen.findByTestId('names')).textContent).toBe('x');
    await coll.insertOne({ _id: 2, name: 'y', n: 2 });
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('y,x'));
  });

  it('subscribes once in StrictMode and ends the subscription gcTime after unmount', async () => {
    await seed('r3', [{ _id: 1, name: 'only', n: 1 }]);
    const queryClient = new QueryClient({ defaultOptions: { queries: { gcTime: 0 } } });
    const baseline = server.bridge.stats().liveQueries;
    const requestsBefore = queryRequests;
    const view = render(<StrictMode>{wrap(queryClient, <List collection="r3" />)}</StrictMode>);
    await screen.findByText('only:1');
    expect(queryRequests - requestsBefore).toBe(1);
    expect(server.bridge.stats().liveQueries).toBe(baseline + 1);
    view.unmount();
    await waitFor(() => expect(server.bridge.stats().liveQueries).toBe(baseline));
  });

  it('shows an error that ends the live query after its first snapshot in `error`, keeping the data', async () => {
    const coll = await seed('late', [
      { _id: 1, name: 'a', n: 1 },
      { _id: 2, name: 'b', n: 2 },
    ]);
    render(wrap(new QueryClient(), <Armed />));
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('a,b'));
    expect(screen.getByTestId('status').textContent).toBe('live');
    expect(screen.getByTestId('error').textContent).toBe('none');
    await coll.updateOne({ _id: 2 }, { $set: { n: 10 } });
    await waitFor(() => expect(screen.getByTestId('error').textContent).toBe('SERVER_ERROR'));
    expect(screen.getByTestId('status').textContent).toBe('error');
    expect(screen.getByTestId('names').textContent).toBe('a,b'); // the last good result stays
  });
});

describe('SSR', () => {
  it('prefetches on the server with the same key; the browser hydrates and goes live without re-rendering rows', async () => {
    const coll = await seed('ssr', [
      { _id: 1, name: 'p', n: 1 },
      { _id: 2, name: 'q', n: 2 },
    ]);
    const serverClient = new QueryClient();
    await prefetchLiveQuery(
      serverClient,
      { mongo: server.mongo.client, authorize: allowAll },
      { db: server.mongo.dbName, collection: 'ssr', sort: { n: 1 } },
    );
    // What a Next.js page sends: plain JSON.
    const state = JSON.parse(JSON.stringify(dehydrate(serverClient, liveDehydrateOptions)));
    renders.clear();
    render(
      wrap(
        new QueryClient(),
        <HydrationBoundary state={state} options={liveHydrateOptions}>
          <List collection="ssr" />
        </HydrationBoundary>,
      ),
    );
    // Server data shows at once, before any socket round trip.
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['p:1', 'q:2']);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('live'));
    expect(renders.get(1)).toBe(1);
    expect(renders.get(2)).toBe(1);
    await coll.updateOne({ _id: 1 }, { $set: { n: 5 } });
    await screen.findByText('p:5');
    expect(renders.get(2)).toBe(1);
  });
});
