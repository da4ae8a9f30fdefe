import { createTestLiveClient, type TestLiveClient, type TestLiveClientOptions } from '@mongo-live/client/testing';
import type { ConnectionStatus } from '@mongo-live/react';
import { LiveProvider } from '@mongo-live/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { type Order, orderOf, type Product } from '@/lib/model';
import { parseNewProduct } from '@/lib/newProduct';
import { sampleShop } from '@/lib/sampleData';
import { type Shop, type ShopActions, ShopContext } from '../app/_components/ShopContext';

// The example's components on the in-memory testing client: the same components as the app, the
// same live queries and change streams, with the writes going to memory instead of server actions.

export const DB = 'shop';
export const USER = 'ada';

/**
 * A testing client holding the demo's sample data as a browser signed in as Ada would see it: the
 * bridge's rules applied up front (her own orders only, no emails).
 */
export function createShopClient(options: Omit<TestLiveClientOptions, 'data'> = {}): TestLiveClient {
  const { users, products, orders } = sampleShop();
  return createTestLiveClient({
    ...options,
    data: {
      [DB]: {
        users: users.map(({ email: _hidden, ...user }) => user),
        products,
        orders: orders.filter((o) => o.userId === USER),
      },
    },
  });
}

/** The shop's writes, on the testing client (what `app/actions.ts` does with the driver). */
export function testShopActions(live: TestLiveClient): ShopActions {
  const products = live.server.db(DB).collection<Product>('products');
  const orders = live.server.db(DB).collection<Order>('orders');
  const byId = (id: string) => products.documents().find((p) => String(p._id) === id);
  return {
    async addProduct(_previous, form) {
      const parsed = parseNewProduct(form);
      if ('error' in parsed) return parsed;
      await products.insertOne(parsed.product);
      return {};
    },
    async changePrice(id, delta) {
      const product = byId(id);
      if (product)
        await products.updateOne({ _id: product._id, price: { $gte: 1 - delta } }, { $inc: { price: delta } });
    },
    async deleteProduct(id) {
      const product = byId(id);
      if (product) await products.deleteOne({ _id: product._id });
    },
    async placeOrder(id) {
      const product = byId(id);
      if (!product || product.stock <= 0) return { error: 'Sold out.' };
      await products.updateOne({ _id: product._id, stock: { $gt: 0 } }, { $inc: { stock: -1 } });
      await orders.insertOne(orderOf(product, USER));
      return {};
    },
    async cancelOrder(id) {
      const order = orders.documents().find((o) => String(o._id) === id);
      if (!order) return;
      await orders.deleteOne({ _id: order._id });
      await products.updateOne({ _id: order.productId }, { $inc: { stock: order.quantity } });
    },
  };
}

/** Everything a shop component needs above it (react-query, the live client, the shop), on `live`. */
export function TestShop({ live, children }: { live: TestLiveClient; children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } } }),
  );
  const [shop] = useState<Shop>(() => ({ dbName: DB, userId: USER, actions: testShopActions(live) }));
  return (
    <QueryClientProvider client={queryClient}>
      <LiveProvider client={live}>
        <ShopContext.Provider value={shop}>{children}</ShopContext.Provider>
      </LiveProvider>
    </QueryClientProvider>
  );
}

/** What a story's `status` control offers: the connection's states, and a bridge failing everything. */
export const STATUS_OPTIONS = ['connected', 'stale', 'reconnecting', 'connecting', 'disconnected', 'error'] as const;

/**
 * Moves `live` to `status` once what was asked before has been answered (so a story shows data
 * first, then the state): a connection status, or 'error' (the bridge ends every query and stream).
 */
export function applyStatus(live: TestLiveClient, status: ConnectionStatus | 'error'): void {
  void live.server.delivered().then(() => {
    if (status === 'error')
      live.server.fail({ code: 'UNAUTHORIZED', message: 'the bridge refused this query (story)' });
    else {
      live.server.recover();
      live.server.setStatus(status);
    }
  });
}
