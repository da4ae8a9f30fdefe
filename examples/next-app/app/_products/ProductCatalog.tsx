'use client';
import { useLiveCount, useLiveInfiniteQuery } from '@mongo-live/react';
import type { Product } from '@/lib/model';
import { type ProductControls, productFilter, productPages } from '@/lib/productQuery';
import { useShop } from '../_components/ShopContext';
import { AddProductForm } from './AddProductForm';
import { LoadMore } from './LoadMore';
import { ProductCard } from './ProductCard';
import styles from './Products.module.css';
import { ProductToolbar } from './ProductToolbar';

/**
 * The product grid: live pages whose filter, sort and page size follow `controls` (every loaded
 * page stays live; "Load more" or scrolling to the end loads one more), the live total of the
 * filter, the toolbar that changes them, the form that adds a product. Where the controls live
 * (the URL in the app, a story's state) is the caller's business.
 */
export function ProductCatalog({
  controls,
  onControlsChange,
}: {
  controls: ProductControls;
  onControlsChange: (controls: ProductControls) => void;
}) {
  const { dbName } = useShop();
  const { data, liveStatus, error, hasNextPage, isFetchingNextPage, fetchNextPage } = useLiveInfiniteQuery<Product>(
    productPages(dbName, controls),
    { pageSize: controls.pageSize },
  );
  const { data: total } = useLiveCount<Product>({
    db: dbName,
    collection: 'products',
    filter: productFilter(controls),
  });
  const products = data?.pages.flat() ?? [];
  return (
    <>
      <ProductToolbar controls={controls} onChange={onControlsChange} />
      <AddProductForm />
      {total !== undefined ? (
        <p className="empty" data-testid="product-total">
          Showing {products.length} of {total} product{total === 1 ? '' : 's'} (live)
        </p>
      ) : null}
      {/* A live query can also fail after its first result: then only liveStatus says so. */}
      {error || liveStatus === 'error' ? (
        <p className={styles.error} role="alert">
          Could not load products: {error?.message ?? 'the live pages were ended by the server'}
        </p>
      ) : null}
      {products.length > 0 && (liveStatus === 'stale' || liveStatus === 'reconnecting') ? (
        <p className={styles.notLive} role="status" data-testid="not-live">
          {liveStatus === 'stale'
            ? 'The server is not answering: these prices may be out of date.'
            : 'Reconnecting: these are the last prices seen; they update once the connection is back.'}
        </p>
      ) : null}
      {products.length === 0 ? (
        <p className="empty">{liveStatus === 'loading' ? 'Loading…' : 'No products in this category.'}</p>
      ) : (
        <ul
          className={styles.grid}
          data-testid="product-list"
          data-live-status={liveStatus}
          data-pages={data?.pages.length ?? 0}
        >
          {products.map((product) => (
            <ProductCard key={String(product._id)} product={product} />
          ))}
        </ul>
      )}
      <LoadMore hasNextPage={hasNextPage} isFetchingNextPage={isFetchingNextPage} fetchNextPage={fetchNextPage} />
    </>
  );
}
