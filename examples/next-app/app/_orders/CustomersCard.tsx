'use client';
import { useLiveCount, useLiveQuery } from '@mongo-live/react';
import type { User } from '@/lib/model';
import { customersQuery } from '@/lib/queries';
import { useShop } from '../_components/ShopContext';
import styles from './Orders.module.css';

/** A customer's number of orders, live (as far as the bridge lets this visitor see them). */
function OrderCount({ dbName, userId }: { dbName: string; userId: string }) {
  const { data } = useLiveCount({ db: dbName, collection: 'orders', filter: { userId } });
  return (
    <span className={styles.email} data-testid="customer-orders">
      {data === undefined ? '…' : `${data} order${data === 1 ? '' : 's'}`}
    </span>
  );
}

/** The users collection, live. The bridge's projection strips `email` before it leaves the server. */
export function CustomersCard() {
  const { dbName, userId } = useShop();
  const { data: users = [] } = useLiveQuery<User>(customersQuery(dbName));
  return (
    <section className={`card ${styles.customers}`} aria-labelledby="customers-title">
      <h2 id="customers-title">Customers</h2>
      <ul className={styles.people} data-testid="customer-list">
        {users.map((user) => (
          <li key={user._id} data-testid="customer">
            <span className={styles.avatar} style={{ background: user.color }} aria-hidden>
              {user.name.slice(0, 1)}
            </span>
            <span className={styles.person}>
              <strong>
                {user.name}
                {user._id === userId ? <span className={styles.you}>you</span> : null}
              </strong>
              <span className={styles.email} data-testid="customer-email">
                {user.email ?? 'email hidden by the bridge'}
              </span>
              <OrderCount dbName={dbName} userId={user._id} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
