import type { ConnectionStatus } from '@mongo-live/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { Product } from '@/lib/model';
import { ActivityFeed } from '../app/_activity/ActivityFeed';
import { applyStatus, createShopClient, DB, STATUS_OPTIONS, TestShop } from './TestShop';

/** The change-stream feed on the testing client: each write below shows up as a line. */
function Feed({ status }: { status: ConnectionStatus | 'error' }) {
  const [live] = useState(() => createShopClient({ latencyMs: 40 }));
  useEffect(() => applyStatus(live, status), [live, status]);
  const products = live.server.db(DB).collection<Product>('products');
  return (
    <TestShop live={live}>
      <div style={{ display: 'flex', gap: '0.5rem', marginBottom: '1rem', flexWrap: 'wrap' }}>
        <button
          type="button"
          className="btn"
          onClick={() => void products.updateOne({ name: 'Azul' }, { $inc: { price: 1 } })}
        >
          Azul +$1
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => void products.insertOne({ name: 'Story Lamp', category: 'kitchen', price: 21, stock: 2 })}
        >
          New product
        </button>
        <button type="button" className="btn" onClick={() => void products.deleteOne({ name: 'Story Lamp' })}>
          Delete it
        </button>
      </div>
      <div style={{ maxWidth: 420 }}>
        <ActivityFeed limit={20} />
      </div>
    </TestShop>
  );
}

const meta = {
  title: 'Shop/Activity feed',
  component: Feed,
  args: { status: 'connected' },
  argTypes: { status: { control: 'inline-radio', options: STATUS_OPTIONS } },
} satisfies Meta<typeof Feed>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Writes become lines, newest first: an update with its new price, an insert, a delete. */
export const Writes: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByTestId('feed-status')).toHaveAttribute('data-status', 'open'), {
      timeout: 5000,
    });
    await userEvent.click(canvas.getByRole('button', { name: 'Azul +$1' }));
    await canvas.findByText('Azul: price → $36.00', { exact: false }, { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: 'New product' }));
    await canvas.findByText('New product: Story Lamp', { exact: false }, { timeout: 5000 });
    await userEvent.click(canvas.getByRole('button', { name: 'Delete it' }));
    await waitFor(() => expect(canvas.getAllByTestId('activity-item')[0]).toHaveAttribute('data-kind', 'delete'));
  },
};

export const Reconnecting: Story = {
  args: { status: 'reconnecting' },
  play: async ({ canvasElement }) => {
    await waitFor(
      () => expect(within(canvasElement).getByTestId('feed-status')).toHaveAttribute('data-status', 'reconnecting'),
      {
        timeout: 5000,
      },
    );
  },
};
export const ErrorState: Story = {
  args: { status: 'error' },
  play: async ({ canvasElement }) => {
    await waitFor(
      () => expect(within(canvasElement).getByTestId('feed-status')).toHaveAttribute('data-status', 'error'),
      {
        timeout: 5000,
      },
    );
  },
};
