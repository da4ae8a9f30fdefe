// useChangeStream, LiveProvider, useLiveClient and useLiveStatus against the real bridge and a real database.
import {
  createLiveClient,
  type LiveClient,
  LiveProvider,
  useChangeStream,
  useLiveClient,
  useLiveStatus,
} from '@mongo-live/react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import type { Document } from 'mongodb';
import { StrictMode, useEffect } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { socketOf } from '../../packages/client/src/__tests__/socketOf.js';
import { type LiveServer, startLiveServer } from '../support/liveServer.js';

let server: LiveServer;
let live: LiveClient;
const requests = { watch: 0, unsubscribe: 0 };

beforeAll(async () => {
  server = await startLiveServer();
  // Count the requests the bridge receives, to observe (re-)subscriptions from the outside.
  server.io.of('/mongo-live').on('connection', (socket) => {
    socket.onAny((event: string) => {
      if (event === 'watch' || event === 'unsubscribe') requests[event]++;
    });
  });
  live = createLiveClient({ url: server.url, socketOptions: { reconnectionDelay: 10, reconnectionDelayMax: 50 } });
});
afterEach(() => cleanup());
afterAll(async () => {
  await live?.close();
  await server?.close();
});

type FeedProps = {
  /** Receives every status the component rendered. */
  log?: string[];
  target: { db?: string; collection?: string };
  pipeline?: Document[];
  options?: Parameters<typeof useChangeStream>[2];
};

function Feed({ target, pipeline, options, log }: FeedProps) {
  const { events, status, error, lastEvent, resumeToken } = useChangeStream(target, pipeline, options);
  useEffect(() => {
    log?.push(status);
  }, [log, status]);
  return (
    <div>
      <p data-testid="status">{status}</p>
      <p data-testid="error">{error?.code ?? ''}</p>
      <p data-testid="last">
        {lastEvent ? String((lastEvent as { fullDocument?: { name?: string } }).fullDocument?.name) : ''}
      </p>
      <p data-testid="token">{resumeToken ? 'token' : 'none'}</p>
      <ul>
        {events.map((e) => (
          <li key={JSON.stringify(e._id)}>
            {e.operationType}:{String((e as { fullDocument?: { name?: string } }).fullDocument?.name)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Orphan() {
  useLiveClient();
  return null;
}

function Status() {
  return <p data-testid="conn">{useLiveStatus()}</p>;
}

const wrap = (node: React.ReactNode, strict = false) => {
  const tree = <LiveProvider client={live}>{node}</LiveProvider>;
  return strict ? <StrictMode>{tree}</StrictMode> : tree;
};
const items = () => screen.queryAllByRole('listitem').map((li) => li.textContent);
const status = () => screen.getByTestId('status').textContent;
const coll = (name: string) => server.mongo.db.collection(name);
const target = (collection: string) => ({ db: server.mongo.dbName, collection });
/** Waits until the bridge holds exactly `n` subscriptions (late unsubscribes included). */
const subscriptions = (n: number) => waitFor(() => expect(server.bridge.stats().subscriptions).toBe(n));

describe('useChangeStream', () => {
  it('renders, opens, and shows live changes as they happen', async () => {
    render(wrap(<Feed target={target('r1')} />));
    expect(status()).toBe('connecting');
    await screen.findByText('open');
    expect(screen.getByTestId('token').textContent).toBe('token');
    await act(() => coll('r1').insertOne({ name: 'Ada' }));
    await screen.findByText('insert:Ada');
    await act(() => coll('r1').insertOne({ name: 'Grace' }));
    await screen.findByText('insert:Grace');
    expect(items()).toEqual(['insert:Ada', 'insert:Grace']);
    expect(screen.getByTestId('last').textContent).toBe('Grace');
  });

  it('keeps only maxEvents events, newest last', async () => {
    render(wrap(<Feed target={target('r2')} options={{ maxEvents: 2 }} />));
    await screen.findByText('open');
    await act(async () => {
      for (const name of ['a', 'b', 'c', 'd']) await coll('r2').insertOne({ name });
    });
    await screen.findByText('insert:d');
    expect(items()).toEqual(['insert:c', 'insert:d']);
  });

  it('StrictMode: one live subscription, each event once', async () => {
    render(wrap(<Feed target={target('r3')} />, true));
    await screen.findByText('open');
    await subscriptions(1);
    await act(() => coll('r3').insertOne({ name: 'once' }));
    await screen.findByText('insert:once');
    expect(items()).toEqual(['insert:once']);
    cleanup();
    await subscriptions(0);
  });

  it('re-subscribes when target, pipeline or options change by value, not when only their identity does', async () => {
    const pipeline = () => [{ $match: { operationType: 'insert' } }];
    const { rerender } = render(wrap(<Feed target={target('r4')} pipeline={pipeline()} options={{ batchSize: 5 }} />));
    await screen.findByText('open');
    const watches = requests.watch;
    // New objects, same values: nothing happens.
    rerender(wrap(<Feed target={{ ...target('r4') }} pipeline={pipeline()} options={{ batchSize: 5 }} />));
    rerender(wrap(<Feed target={target('r4')} pipeline={pipeline()} options={{ batchSize: 5 }} />));
    expect(requests.watch).toBe(watches);
    // Another pipeline: a new subscription replaces the old one.
    rerender(
      wrap(
        <Feed
          target={target('r4')}
          pipeline={[{ $match: { 'fullDocument.name': 'keep' } }]}
          options={{ batchSize: 5 }}
        />,
      ),
    );
    await screen.findByText('open');
    await subscriptions(1);
    expect(requests.watch).toBe(watches + 1);
    await act(async () => {
      await coll('r4').insertOne({ name: 'drop' });
      await coll('r4').insertOne({ name: 'keep' });
    });
    await screen.findByText('insert:keep');
    expect(items()).toEqual(['insert:keep']);
    // Another option value, then another collection.
    rerender(
      wrap(
        <Feed
          target={target('r4')}
          pipeline={[{ $match: { 'fullDocument.name': 'keep' } }]}
          options={{ batchSize: 6 }}
        />,
      ),
    );
    await waitFor(() => expect(requests.watch).toBe(watches + 2));
    rerender(wrap(<Feed target={target('r4b')} />));
    await waitFor(() => expect(requests.watch).toBe(watches + 3));
    await screen.findByText('open');
    await subscriptions(1);
  });

  it('onChange: called once per event with the latest callback, without re-subscribing when it changes', async () => {
    const calls: string[] = [];
    const make = (tag: string) => (c: Document) => calls.push(`${tag}:${c.fullDocument?.name}`);
    const { rerender } = render(wrap(<Feed target={target('r5')} options={{ onChange: make('first') }} />));
    await screen.findByText('open');
    const watches = requests.watch;
    await act(() => coll('r5').insertOne({ name: 'x' }));
    await screen.findByText('insert:x');
    rerender(wrap(<Feed target={target('r5')} options={{ onChange: make('second') }} />));
    await act(() => coll('r5').insertOne({ name: 'y' }));
    await screen.findByText('insert:y');
    expect(calls).toEqual(['first:x', 'second:y']);
    expect(requests.watch).toBe(watches);
  });

  it('enabled: false holds the stream closed; enabling opens it', async () => {
    const watches = requests.watch;
    const { rerender } = render(wrap(<Feed target={target('r6')} options={{ enabled: false }} />));
    expect(status()).toBe('closed');
    await act(() => coll('r6').insertOne({ name: 'unseen' }));
    expect(requests.watch).toBe(watches);
    expect(server.bridge.stats().subscriptions).toBe(0);
    rerender(wrap(<Feed target={target('r6')} options={{ enabled: true }} />));
    await screen.findByText('open');
    await act(() => coll('r6').insertOne({ name: 'seen' }));
    await screen.findByText('insert:seen');
    expect(items()).toEqual(['insert:seen']);
    rerender(wrap(<Feed target={target('r6')} options={{ enabled: false }} />));
    await screen.findByText('closed');
    await subscriptions(0);
  });

  it('watches a whole database with { db }', async () => {
    render(wrap(<Feed target={{ db: server.mongo.dbName }} pipeline={[{ $match: { 'ns.coll': /^dbwide/ } }]} />));
    await screen.findByText('open');
    await act(async () => {
      await coll('dbwide1').insertOne({ name: 'one' });
      await coll('dbwide2').insertOne({ name: 'two' });
    });
    await screen.findByText('insert:two');
    expect(items()).toEqual(['insert:one', 'insert:two']);
  });

  it('unmount closes the stream on the bridge', async () => {
    const { unmount } = render(wrap(<Feed target={target('r7')} />));
    await screen.findByText('open');
    await subscriptions(1);
    unmount();
    await subscriptions(0);
  });

  it('shows errors: an unauthorized pipeline stage ends in status error with the LiveError', async () => {
    render(wrap(<Feed target={target('r8')} pipeline={[{ $out: 'elsewhere' }]} />));
    await screen.findByText('error');
    expect(screen.getByTestId('error').textContent).toMatch(/UNAUTHORIZED|INVALID_REQUEST/);
  });

  it('reconnects by itself: status goes reconnecting then open, and no event is lost', async () => {
    const log: string[] = [];
    render(wrap(<Feed target={target('r9')} log={log} />));
    await screen.findByText('open');
    await act(() => coll('r9').insertOne({ name: 'before' }));
    await screen.findByText('insert:before');
    act(() => {
      server.dropConnections();
    });
    await act(() => coll('r9').insertOne({ name: 'during' }));
    await screen.findByText('insert:during');
    expect(status()).toBe('open');
    expect(items()).toEqual(['insert:before', 'insert:during']);
    expect(log).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });
});

describe('LiveProvider, useLiveClient, useLiveStatus', () => {
  it('useLiveClient outside a provider throws a clear error', () => {
    const original = console.error;
    console.error = () => undefined; // React logs the thrown error too
    try {
      expect(() => render(<Orphan />)).toThrow(/LiveProvider/);
    } finally {
      console.error = original;
    }
  });

  it('useLiveStatus follows the connection', async () => {
    const seen: string[] = [];
    const off = live.onStatus((s) => seen.push(s));
    render(wrap(<Status />));
    await screen.findByText('connected');
    act(() => {
      socketOf(live).io.engine.close();
    });
    await screen.findByText('connected');
    off();
    expect(seen).toEqual(['reconnecting', 'connected']);
  });
});
