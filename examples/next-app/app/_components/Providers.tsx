'use client';
import { LiveProvider } from '@mongo-live/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { addProduct, cancelOrder, changePrice, deleteProduct, placeOrder } from '../actions';
import { type Shop, type ShopActions, ShopContext } from './ShopContext';

const SERVER_ACTIONS: ShopActions = { addProduct, changePrice, deleteProduct, placeOrder, cancelOrder };

/**
 * One react-query cache and one live client (one socket) per signed-in user. The layout keys this
 * component by user, so switching users opens a fresh socket whose handshake carries the new cookie.
 * `LiveProvider` makes that client (one per `clientKey`, surviving React's render retries, closed
 * on unmount); on the server it makes one that opens nothing.
 */
export function Providers({ shop, children }: { shop: Omit<Shop, 'actions'>; children: ReactNode }) {
  // Live data never goes stale by age: the bridge pushes every change.
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } } }),
  );
  const value = useMemo(() => ({ ...shop, actions: SERVER_ACTIONS }), [shop]);
  return (
    <ShopContext.Provider value={value}>
      <QueryClientProvider client={queryClient}>
        <LiveProvider clientKey={shop.userId}>{children}</LiveProvider>
      </QueryClientProvider>
    </ShopContext.Provider>
  );
}
