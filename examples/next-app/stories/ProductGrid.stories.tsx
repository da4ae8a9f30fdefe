import type { ConnectionStatus } from '@mongo-live/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { Product } from '@/lib/model';
import type { ProductControls } from '@/lib/productQuery';
import { ProductCatalog } from '../app/_products/ProductCatalog';
import { applyStatus, createShopClient, DB, STATUS_OPTIONS, TestShop } from './TestShop';

interface Args {
  /** Milliseconds every answer of the (in-memory) bridge takes. */
  latencyMs: number;
  /** The connection, once the first results are in (or the bridge failing everything: 'error'). */
  status: ConnectionStatus | 'error';
}

/** The product grid on the testing client: live pages and a live count, like in the app. */
function Grid({ latencyMs, status }: Args) {
  const [live] = useState(() => createShopClient({ latencyMs }));
  const [controls, setControls] = useState<ProductControls>({ category: undefined, order: 'asc', pageSize: 12 });
  useEffect(() => live.server.setLatency(latencyMs), [live, latencyMs]);
  useEffect(() => applyStatus(live, status), [live, status]);
  return (
    <TestShop live={live}>
      <div style={{ maxWidth: 900 }}>
        <ProductCatalog controls={controls} onControlsChange={setControls} />
      </div>
      <button
        type="button"
        className="btn"
        style={{ marginTop: '1rem' }}
        onClick={() =>
          void live.server
            .db(DB)
            .collection<Product>('products')
            .updateOne({ name: 'Azul' }, { $inc: { price: -30 } })
        }
      >
        Another shopper: Azul −$30 (from the server)
      </button>
      <button
        type="button"
        className="btn"
        style={{ marginTop: '1rem', marginLeft: '0.5rem' }}
        onClick={() =>
          void live.server
            .db(DB)
            .collection<Product>('products')
            .updateOne({ name: 'Chess Set, Walnut' }, { $inc: { price: -20 } })
        }
      >
        From the server: Chess Set −$20 (page 2)
      </button>
    </TestShop>
  );
}

const meta = {
  title: 'Shop/Product grid',
  component: Grid,
  args: { latencyMs: 80, status: 'connected' },
  argTypes: { status: { control: 'inline-radio', options: STATUS_OPTIONS } },
} satisfies Meta<typeof Grid>;
export default meta;
type Story = StoryObj<typeof meta>;

const card = (root: HTMLElement, name: string) =>
  root.querySelector<HTMLElement>(`[data-testid="product"][data-name="${name}"]`);

/** A price raised with "+$1" comes back through the live query, and only that price flashes. */
export const RaiseAPrice: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('button', { name: 'Raise the price of Azul' }, { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: 'Raise the price of Azul' }));
    await waitFor(() =>
      expect(card(canvasElement, 'Azul')?.querySelector('[data-testid="price"]')).toHaveTextContent('$36.00'),
    );
    expect(canvasElement.querySelectorAll('[data-testid="price"][data-flash]')).toHaveLength(1);
  },
};

/** A write from elsewhere moves a product to its sorted place. */
export const ServerWrite: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('button', { name: 'Raise the price of Azul' }, { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: /Another shopper/ }));
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-testid="product"]')).toHaveAttribute('data-name', 'Azul'),
    );
  },
};

/** "Load more" brings page 2 (the dearest products), which stays live like the first. */
export const LoadMore: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByText(/Showing \d+ of 16 products \(live\)/, {}, { timeout: 5000 });
    // In a tall window the sentinel is in view at once and page 2 loads by itself.
    const more = canvas.queryByRole('button', { name: 'Load more' });
    if (more) await userEvent.click(more);
    await waitFor(() => expect(card(canvasElement, 'Chess Set, Walnut')).not.toBeNull());
    expect(canvas.getByTestId('product-list')).toHaveAttribute('data-pages', '2');
    await userEvent.click(canvas.getByRole('button', { name: /Chess Set −\$20/ }));
    await waitFor(() =>
      expect(card(canvasElement, 'Chess Set, Walnut')?.querySelector('[data-testid="price"]')).toHaveTextContent(
        '$100.00',
      ),
    );
  },
};

/** The bridge stopped answering: the grid keeps its products and says it is stale. */
export const Stale: Story = {
  args: { status: 'stale' },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-testid="product-list"]')).toHaveAttribute('data-live-status', 'stale'),
    );
  },
};

/** The connection is lost: the products stay, marked as reconnecting, until a fresh snapshot. */
export const Reconnecting: Story = {
  args: { status: 'reconnecting' },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-testid="product-list"]')).toHaveAttribute(
        'data-live-status',
        'reconnecting',
      ),
    );
  },
};

/** The bridge refuses the query: the grid says why. */
export const ErrorState: Story = {
  args: { status: 'error' },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByRole('alert', {}, { timeout: 5000 });
    expect(within(canvasElement).getByRole('alert')).toHaveTextContent('Could not load products');
  },
};
