import { activitySince } from '@/lib/activity';
import { getDemoContext } from '@/lib/demoContext';
import { prefetchFirstPage } from '@/lib/prefetch';
import { parseProductControls, productPages } from '@/lib/productQuery';
import { ActivityFeed } from './_activity/ActivityFeed';
import { LiveHydration } from './_components/LiveHydration';
import { ProductsView } from './_products/ProductsView';
import styles from './page.module.css';

/** Products: the first page rendered on the server with the data already in it, then live pages in the browser. */
export default async function ProductsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const controls = parseProductControls(await searchParams);
  const state = await prefetchFirstPage(productPages(getDemoContext().dbName, controls), controls.pageSize);
  return (
    <main className={styles.layout}>
      <LiveHydration state={state}>
        <ProductsView />
      </LiveHydration>
      <aside className={styles.aside}>
        <ActivityFeed compact limit={15} since={activitySince()} />
      </aside>
    </main>
  );
}
