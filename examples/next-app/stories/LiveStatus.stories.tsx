import type { ConnectionStatus } from '@mongo-live/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import { LiveStatus } from '../app/_components/LiveStatus';
import { createShopClient, TestShop } from './TestShop';

/** The header's connection badge, driven by the testing client's status (a control). */
function Badge({ status }: { status: ConnectionStatus }) {
  const [live] = useState(() => createShopClient());
  useEffect(() => live.server.setStatus(status), [live, status]);
  return (
    <TestShop live={live}>
      <LiveStatus />
    </TestShop>
  );
}

const meta = {
  title: 'Shop/Status badge',
  component: Badge,
  argTypes: {
    status: { control: 'inline-radio', options: ['connecting', 'connected', 'stale', 'reconnecting', 'disconnected'] },
  },
} satisfies Meta<typeof Badge>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Live: Story = {
  args: { status: 'connected' },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getByTestId('live-status')).toHaveTextContent('Live'));
  },
};
export const Stale: Story = {
  args: { status: 'stale' },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getByTestId('live-status')).toHaveTextContent('Not responding…'));
  },
};
export const Reconnecting: Story = {
  args: { status: 'reconnecting' },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getByTestId('live-status')).toHaveTextContent('Reconnecting…'));
  },
};
export const Offline: Story = { args: { status: 'disconnected' } };
