// <LiveProvider> without a client, across React's render retries (jsdom): a render that suspends
// before it commits is thrown away and run again, and each attempt must not open another socket.

import type { LiveClient } from '@mongo-live/client';
import * as client from '@mongo-live/client';
import { act, type ReactNode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, expect, it, vi } from 'vitest';
import { LiveProvider } from './LiveProvider.js';
import { useLiveClient } from './useLiveClient.js';

// A spy around the real factory (it still makes real clients with real sockets): it only counts.
vi.mock('@mongo-live/client', async (importOriginal) => {
  const real = await importOriginal<typeof import('@mongo-live/client')>();
  return { ...real, createLiveClient: vi.fn(real.createLiveClient) };
});
const createLiveClient = vi.mocked(client.createLiveClient);

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

afterEach(() => createLiveClient.mockClear());

const tick = () => act(() => new Promise((resolve) => setTimeout(resolve, 10)));
// Port 9 (discard) on loopback: nothing answers; the clients stay connecting.
const options = { url: 'http://127.0.0.1:9', socketOptions: { reconnection: false } };

let seen: LiveClient | undefined;
/** Suspends its first `left.n` renders, as page content waiting for streamed server data does. */
function Content({ left }: { left: { n: number } }) {
  seen = useLiveClient();
  if (left.n > 0) {
    left.n--;
    throw new Promise((resolve) => setTimeout(resolve, 5));
  }
  return <p>content</p>;
}

async function renderSuspending(provider: (children: ReactNode) => ReactNode, times: number) {
  const root = createRoot(document.createElement('div'));
  await act(async () => root.render(provider(<Content left={{ n: times }} />)));
  for (let i = 0; i <= times; i++) await tick();
  return root;
}

it('makes one client however often the render is retried, and closes it on unmount', async () => {
  const root = await renderSuspending((c) => <LiveProvider options={options}>{c}</LiveProvider>, 3);
  expect(createLiveClient).toHaveBeenCalledTimes(1);
  const first = seen;
  await act(async () => root.unmount());
  await tick();
  expect(first?.status).toBe('disconnected');

  // A later provider gets a fresh client: the closed one is forgotten.
  const again = await renderSuspending((c) => <LiveProvider options={options}>{c}</LiveProvider>, 0);
  expect(createLiveClient).toHaveBeenCalledTimes(2);
  expect(seen).not.toBe(first);
  await act(async () => again.unmount());
  await tick();
});

it('makes a new client when clientKey changes (a new user, a new handshake)', async () => {
  const root = createRoot(document.createElement('div'));
  const view = (key: string) => (
    <LiveProvider options={options} clientKey={key}>
      <Content left={{ n: 0 }} />
    </LiveProvider>
  );
  await act(async () => root.render(view('ada')));
  const ada = seen;
  await act(async () => root.render(view('bob')));
  await tick();
  expect(seen).not.toBe(ada);
  expect(ada?.status).toBe('disconnected');
  expect(createLiveClient).toHaveBeenCalledTimes(2);
  await act(async () => root.unmount());
  await tick();
  expect(seen?.status).toBe('disconnected');
});

/** How a client made in a state initializer fares: the counterpart that shows the tests above can fail. */
const made = new Set<LiveClient>();
function StateProvider({ children }: { children: ReactNode }) {
  const [live] = useState(() => client.createLiveClient(options));
  made.add(live);
  return <LiveProvider client={live}>{children}</LiveProvider>;
}

it('is what a state initializer is not: there the same retries make a client each', async () => {
  const root = await renderSuspending((c) => <StateProvider>{c}</StateProvider>, 3);
  expect(createLiveClient.mock.calls.length).toBeGreaterThan(1); // one per render attempt
  await act(async () => root.unmount());
  await Promise.all([...made].map((live) => live.close()));
});
