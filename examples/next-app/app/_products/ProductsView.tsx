'use client';
import { useSearchParams } from 'next/navigation';
import { type ProductControls, parseProductControls, productControlsToSearch } from '@/lib/productQuery';
import { ProductCatalog } from './ProductCatalog';
import styles from './Products.module.css';

/** The products page: the catalog, its controls kept in the URL (so the server renders the same query). */
export function ProductsView() {
  const controls = parseProductControls(useSearchParams());
  // Shallow URL update: the hook re-subscribes with the new spec, no server round trip needed.
  const setControls = (next: ProductControls) =>
    window.history.replaceState(null, '', `${window.location.pathname}${productControlsToSearch(next)}`);

  return (
    <section aria-labelledby="products-title">
      <div className={styles.heading}>
        <div>
          <h1 id="products-title">Products</h1>
          <p className="lead">
            Live pages: <code>useLiveInfiniteQuery</code> on <code>products</code>, filtered and sorted on the server,
            one more page on &ldquo;Load more&rdquo; or when you scroll to the end; every loaded page stays live, and
            the total is a <code>useLiveCount</code>. Open this page twice and change something.
          </p>
        </div>
      </div>
      <ProductCatalog controls={controls} onControlsChange={setControls} />
    </section>
  );
}
