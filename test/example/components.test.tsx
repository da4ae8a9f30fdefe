// The example app's components on the in-memory testing client (jsdom): the same components and
// hooks as the app, the writes going to memory, every result coming back through live queries and
// change streams as it would from the bridge.

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Product } from '@/lib/model';
import { ActivityFeed } from '../../examples/next-app/app/_activity/ActivityFeed';
import { LiveStatus } from '../../examples/next-app/app/_components/LiveStatus';
import { OrdersView } from '../../examples/next-app/app/_orders/OrdersView';
import { ProductCatalog } from '../../examples/next-app/app/_products/ProductCatalog';
import type { ProductControls } from '../../examples/next-app/lib/productQuery';
import { createShopClient, DB, TestShop } from '../../examples/next-app/stories/TestShop';

afterEach(cleanup);

function Catalog() {
  const [controls, setControls] = useState<ProductControls>({ category: undefined, order: 'asc', pageSize: 12 });
  return <ProductCatalog controls={controls} onControlsChange={setControls} />;
}

const names = () => screen.queryAllByTestId('product').map((card) => card.getAttribute('data-name'));
const priceOf = (name: string) =>
  within(screen.getByTestId('product-list').querySelector<HTMLElement>(`[data-name="${name}"]`)!).getByTestId('price');
const flashing = () => document.querySelectorAll('[data-testid="price"][data-flash]').length;

describe('the product grid', () => {
  it('shows the twelve cheapest, and a price raised with +$1 comes back live and flashes alone', async () => {
    const live = createShopClient({ latencyMs: 5 });
    render(
      <TestShop live={live}>
        <Catalog />
      </TestShop>,
    );
    await screen.findByTestId('product-list');
    expect(names()).toHaveLength(12);
    expect(names().slice(0, 3)).toEqual(['Herb Seed Collection', 'Pruning Shears', 'Cast Iron Skillet']);
    expect(flashing()).toBe(0);

    fireEvent.click(screen.getByRole('button', { name: 'Raise the price of Azul' }));
    await screen.findByText('$36.00');
    expect(priceOf('Azul').textContent).toBe('$36.00');
    expect(flashing()).toBe(1);
    const stored = live.server.db(DB).collection<Product>('products').documents();
    expect(stored.find((p) => p.name === 'Azul')?.price).toBe(36);
  });

  it('loads the next page with "Load more", keeps it live, and shows the live total of the filter', async () => {
    const live = createShopClient();
    render(
      <TestShop live={live}>
        <Catalog />
      </TestShop>,
    );
    await screen.findByText('Showing 12 of 16 products (live)');
    expect(names()).not.toContain('Chess Set, Walnut'); // the dearest: on page 2
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('Chess Set, Walnut');
    expect(screen.getByTestId('product-list').getAttribute('data-pages')).toBe('2');
    expect(names()).toHaveLength(16);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull(); // nothing after page 2
    // A write into page 2 shows there; a new product counts in the total.
    const products = live.server.db(DB).collection<Product>('products');
    await act(() => products.updateOne({ name: 'Chess Set, Walnut' }, { $set: { price: 99 } }));
    await screen.findByText('$99.00');
    expect(priceOf('Chess Set, Walnut').textContent).toBe('$99.00');
    await act(() => products.insertOne({ name: 'Jsdom Kite', category: 'garden', price: 200, stock: 1 } as Product));
    await screen.findByText('Showing 17 of 17 products (live)');
    expect(names().at(-1)).toBe('Jsdom Kite');
  });

  it('filters by category without a flash, and asks before deleting for everyone', async () => {
    const live = createShopClient();
    render(
      <TestShop live={live}>
        <Catalog />
      </TestShop>,
    );
    await screen.findByTestId('product-list');
    fireEvent.click(screen.getByRole('button', { name: 'books' }));
    await act(() => live.server.delivered());
    await screen.findByText('Clean Architecture');
    expect(
      new Set(screen.getAllByTestId('product').map((c) => c.querySelector('[data-category]')?.textContent)),
    ).toEqual(new Set(['books']));
    expect(flashing()).toBe(0);

    fireEvent.click(screen.getByRole('button', { name: 'Delete Clean Architecture' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Delete Clean Architecture?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(names()).toContain('Clean Architecture');

    fireEvent.click(screen.getByRole('button', { name: 'Delete Clean Architecture' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await act(() => live.server.delivered());
    await act(() => live.server.delivered());
    expect(names()).not.toContain('Clean Architecture');
    expect(
      live.server
        .db(DB)
        .collection('products')
        .documents()
        .map((p) => p.name),
    ).not.toContain('Clean Architecture');
  });

  it('keeps its products while stale and says so, and shows an error when the bridge ends the query', async () => {
    const live = createShopClient();
    render(
      <TestShop live={live}>
        <Catalog />
      </TestShop>,
    );
    const list = await screen.findByTestId('product-list');
    act(() => live.server.setStatus('stale'));
    expect(list.getAttribute('data-live-status')).toBe('stale');
    expect(names()).toHaveLength(12);
    expect(screen.getByTestId('not-live').textContent).toContain('may be out of date');
    act(() => live.server.setStatus('connected'));
    expect(list.getAttribute('data-live-status')).toBe('live');
    expect(screen.queryByTestId('not-live')).toBeNull();
    act(() => live.server.fail({ code: 'UNAUTHORIZED', message: 'revoked' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Could not load products');
  });
});

describe('the order list', () => {
  it("shows the user's orders and their total, and a cancel removes one live", async () => {
    const live = createShopClient();
    render(
      <TestShop live={live}>
        <OrdersView />
      </TestShop>,
    );
    await screen.findByTestId('order-list');
    expect(screen.getAllByTestId('order')).toHaveLength(2);
    const total = live.server
      .db(DB)
      .collection<{ total: number }>('orders')
      .documents()
      .reduce((sum, o) => sum + o.total, 0);
    expect(screen.getByTestId('orders-total').textContent).toBe(`2 orders · $${total.toFixed(2)}`);
    fireEvent.click(within(screen.getAllByTestId('order')[0]!).getByRole('button', { name: 'Cancel' }));
    await act(() => live.server.delivered());
    await act(() => live.server.delivered());
    expect(screen.getAllByTestId('order')).toHaveLength(1);
  });
});

describe('the activity feed', () => {
  it('shows each write as a line, newest first', async () => {
    const live = createShopClient();
    render(
      <TestShop live={live}>
        <ActivityFeed limit={10} />
      </TestShop>,
    );
    await screen.findByText('watching');
    const products = live.server.db(DB).collection<Product>('products');
    await act(() => products.updateOne({ name: 'Azul' }, { $inc: { price: 1 } }));
    await act(() => products.insertOne({ name: 'Jsdom Lamp', category: 'kitchen', price: 3, stock: 1 } as Product));
    const lines = screen.getAllByTestId('activity-item').map((li) => li.textContent);
    expect(lines[0]).toContain('New product: Jsdom Lamp');
    expect(lines[1]).toContain('Azul: price → $36.00');
  });
});

describe('the status badge', () => {
  it('follows the connection: Live, Not responding…, Reconnecting…', async () => {
    const live = createShopClient();
    render(
      <TestShop live={live}>
        <LiveStatus />
      </TestShop>,
    );
    const badge = screen.getByTestId('live-status');
    expect(badge.textContent).toBe('Live');
    act(() => live.server.setStatus('stale'));
    expect(badge.textContent).toBe('Not responding…');
    act(() => live.server.setStatus('reconnecting'));
    expect(badge.textContent).toBe('Reconnecting…');
  });
});
