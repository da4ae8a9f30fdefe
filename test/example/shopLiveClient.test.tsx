// The demo's live client across React's render retries (jsdom): a render that suspends before it
// commits is thrown away and run again, and each run must not open another socket.

import type { LiveClient } from '@mongo-live/react';
import * as react from '@mongo-live/react';
import { act, type ReactNode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, expect, it, vi } from 'vitest';
import { useShopLiveClient } from '../../examples/next-app/app/_components/useShopLiveClient';

// A spy around the real factory (it still makes real clients with real sockets): it only counts.
vi.mock('@mongo-live/react', async (importOriginal) => {
  const real = await importOriginal<typeof import('@mongo-live/react')>();
  return { ...real, createLiveClient: vi.fn(real.createLiveClient) };
});
const createLiveClient = vi.mocked(react.createLiveClient);

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

afterEach(() => createLiveClient.mockClear());

const tick = () => act(() => new Promise((resolve) => setTimeout(resolve, 10)));

/**
 * Renders `<Provider>` over a child that suspends its first `times` renders, as the demo's
 * providers sit above page content that waits for streamed server data while it hydrates.
 */
async function renderSuspending(Provider: (props: { children: ReactNode }) => ReactNode, times: number) {
  let left = times;
  function Content() {
    if (left > 0) {
      left--;
      throw new Promise((resolve) => setTimeout(resolve, 5));
    }
    return <p>content</p>;
  }
  const root = createRoot(document.createElement('div'));
  await act(async () => {
    root.render(
      <Provider>
        <Content />
      </Provider>,
    );
  });
  for (let i = 0; i <= times; i++) await tick();
  return root;
}

let seen: LiveClient | undefined;
function ShopProvider({ children }: { children: ReactNode }) {
  seen = useShopLiveClient('ada');
  return children;
}

/** How the demo made its client before: the counterpart that shows the test above can fail. */
const madeInState = new Set<LiveClient>();
function StateProvider({ children }: { children: ReactNode }) {
  const [live] = useState(() => react.createLiveClient());
  madeInState.add(live);
  return children;
}

it('makes one client per user however often the render is retried, and closes it on unmount', async () => {
  const root = await renderSuspending(ShopProvider, 3);
  expect(createLiveClient).toHaveBeenCalledTimes(1);
  await act(async () => root.unmount());
  await tick();
  expect(seen?.status).toBe('disconnected');

  // A later provider of the same user gets a fresh client: the closed one is forgotten.
  const again = await renderSuspending(ShopProvider, 0);
  expect(createLiveClient).toHaveBeenCalledTimes(2);
  await act(async () => again.unmount());
  await tick();
});

it('is what a state initializer is not: there the same retries open a socket each', async () => {
  const root = await renderSuspending(StateProvider, 3);
  expect(createLiveClient.mock.calls.length).toBeGreaterThan(1); // 4 here: one per render attempt
  await act(async () => root.unmount());
  await Promise.all([...madeInState].map((live) => live.close()));
});
