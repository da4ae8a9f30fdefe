'use client';
import { useLiveQuery } from '@mongo-live/react';
import { useTransition } from 'react';
import type { Order } from '@/lib/model';
import { ordersQuery } from '@/lib/queries';
import { useShop } from '../_components/ShopContext';
import styles from './Orders.module.css';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const date = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

export function OrdersView() {
  const { dbName, actions } = useShop();
  const { data: orders = [], liveStatus, error } = useLiveQuery<Order>(ordersQuery(dbName));
  const [pending, startTransition] = useTransition();
  const total = orders.reduce((sum, order) => sum + order.total, 0);

  return (
    <section className={`card ${styles.orders}`} aria-labelledby="orders-title">
      <header className={styles.head}>
        <h2 id="orders-title">Your orders</h2>
        <span className={styles.total} data-testid="orders-total">
          {orders.length} {orders.length === 1 ? 'order' : 'orders'} · {money.format(total)}
        </span>
      </header>
      {error || liveStatus === 'error' ? (
        <p className={styles.error} role="alert">
          {error?.message ?? 'Your orders are not live any more: the server ended the query.'}
        </p>
      ) : null}
      {orders.length === 0 ? (
        <p className="empty">
          {liveStatus === 'loading' ? 'Loading…' : 'No orders yet: order something from Products.'}
        </p>
      ) : (
        <ul className={styles.list} data-testid="order-list">
          {orders.map((order) => (
            <li key={String(order._id)} className={styles.row} data-testid="order">
              <div className={styles.what}>
                <strong>{order.productName}</strong>
                <span className={styles.when}>
                  {order.quantity} × · {/* Server and browser may be in different time zones; the browser's wins. */}
                  <time dateTime={order.createdAt.toISOString()} suppressHydrationWarning>
                    {date.format(order.createdAt)}
                  </time>
                </span>
              </div>
              <span className={styles.amount}>{money.format(order.total)}</span>
              <button
                type="button"
                className="btn btn-ghost btn-danger"
                disabled={pending}
                onClick={() => startTransition(() => actions.cancelOrder(String(order._id)))}
              >
                Cancel
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
