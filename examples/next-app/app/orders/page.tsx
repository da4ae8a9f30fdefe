import { getDemoContext } from '@/lib/demoContext';
import { prefetchLiveQueries } from '@/lib/prefetch';
import { customersQuery, ordersQuery } from '@/lib/queries';
import { LiveHydration } from '../_components/LiveHydration';
import { CustomersCard } from '../_orders/CustomersCard';
import styles from '../_orders/Orders.module.css';
import { OrdersView } from '../_orders/OrdersView';

export const metadata = { title: 'My orders · Live Shop' };

export default async function OrdersPage() {
  const { dbName } = getDemoContext();
  const state = await prefetchLiveQueries([ordersQuery(dbName), customersQuery(dbName)]);
  return (
    <main>
      <h1>My orders</h1>
      <p className="lead">
        Each signed-in user sees only their own orders: the bridge adds <code>{'{ userId }'}</code> to the query, and
        customers&apos; emails are removed by a projection. Switch user at the top right.
      </p>
      <LiveHydration state={state}>
        <div className={styles.layout}>
          <OrdersView />
          <CustomersCard />
        </div>
      </LiveHydration>
    </main>
  );
}
