import type { LiveClient } from '@mongo-live/client';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LiveProvider } from './LiveProvider.js';
import { createServerRenderClient } from './serverRenderClient.js';
import { useLiveClient } from './useLiveClient.js';

function Probe({ seen }: { seen: { live?: LiveClient; queryClient?: QueryClient } }) {
  seen.live = useLiveClient();
  seen.queryClient = useQueryClient();
  return <span>{seen.live.status}</span>;
}

describe('LiveProvider', () => {
  it('without a client, creates one from its options, provides a QueryClient, and closes the client on unmount', async () => {
    const seen: { live?: LiveClient; queryClient?: QueryClient } = {};
    // Port 9 (discard) on loopback: nothing answers, the client stays connecting.
    const view = render(
      <LiveProvider options={{ url: 'http://127.0.0.1:9', socketOptions: { reconnection: false } }}>
        <Probe seen={seen} />
      </LiveProvider>,
    );
    expect(seen.live).toBeDefined();
    expect(seen.queryClient).toBeInstanceOf(QueryClient);
    const live = seen.live!;
    let closed = false;
    const close = live.close.bind(live);
    live.close = async () => {
      closed = true;
      await close();
    };
    view.unmount();
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
  });

  it('with a client, provides that one and uses the QueryClient above it', () => {
    const seen: { live?: LiveClient; queryClient?: QueryClient } = {};
    const live = createServerRenderClient();
    const queryClient = new QueryClient();
    render(
      <QueryClientProvider client={queryClient}>
        <LiveProvider client={live}>
          <Probe seen={seen} />
        </LiveProvider>
      </QueryClientProvider>,
    );
    expect(seen.live).toBe(live);
    expect(seen.queryClient).toBe(queryClient);
    expect(screen.getByText('connecting')).toBeTruthy();
  });
});

describe('createServerRenderClient', () => {
  it('reads as connecting and refuses to open streams', () => {
    const live = createServerRenderClient();
    expect(live.status).toBe('connecting');
    expect(() => live.db('shop')).toThrow(/only available in the browser/);
  });
});
