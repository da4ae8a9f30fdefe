import type { ConnectionStatus } from '@mongo-live/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { Order } from '@/lib/model';
import { OrdersView } from '../app/_orders/OrdersView';
import { applyStatus, createShopClient, DB, STATUS_OPTIONS, TestShop, USER } from './TestShop';

/** The signed-in user's orders, live on the testing client. */
function Orders({ status }: { status: ConnectionStatus | 'error' }) {
  const [live] = useState(() => createShopClient({ latencyMs: 60 }));
  useEffect(() => applyStatus(live, status), [live, status]);
  const placeOrder = () =>
    void live.server
      .db(DB)
      .collection<Order>('orders')
      .insertOne({
        userId: USER,
        productId: live.server.db(DB).collection('products').documents()[0]!._id as Order['productId'],
        productName: 'Story Teapot',
        quantity: 1,
        total: 12,
        createdAt: new Date(),
      });
  return (
    <TestShop live={live}>
      <div style={{ maxWidth: 640 }}>
        <OrdersView />
      </div>
      <button type="button" className="btn" style={{ marginTop: '1rem' }} onClick={placeOrder}>
        Order a teapot (from another tab)
      </button>
    </TestShop>
  );
}

const meta = {
  title: 'Shop/Order list',
  component: Orders,
  args: { status: 'connected' },
  argTypes: { status: { control: 'inline-radio', options: STATUS_OPTIONS } },
} satisfies Meta<typeof Orders>;
export default meta;
type Story = StoryObj<typeof meta>;

const rows = (root: HTMLElement) => root.querySelectorAll('[data-testid="order"]').length;

/** An order placed elsewhere appears at the top; "Cancel" removes it again. */
export const PlaceAndCancel: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByTestId('order-list', {}, { timeout: 5000 });
    const before = rows(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: /Order a teapot/ }));
    await waitFor(() => expect(canvasElement.querySelector('[data-testid="order"]')).toHaveTextContent('Story Teapot'));
    expect(rows(canvasElement)).toBe(before + 1);
    await userEvent.click(
      within(canvasElement.querySelector<HTMLElement>('[data-testid="order"]')!).getByRole('button', {
        name: 'Cancel',
      }),
    );
    await waitFor(() => expect(rows(canvasElement)).toBe(before));
  },
};

export const Reconnecting: Story = { args: { status: 'reconnecting' } };
export const ErrorState: Story = {
  args: { status: 'error' },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(canvasElement).toHaveTextContent('the bridge refused this query (story)'), {
      timeout: 5000,
    });
  },
};
