'use client';
import { useLiveQuery } from '@mongo-live/react';
import type { Product } from '@/lib/model';
import { type ProductControls, productQuery } from '@/lib/productQuery';
import { useShop } from '../_components/ShopContext';
import { AddProductForm } from './AddProductForm';
import { ProductCard } from './ProductCard';
import styles from './Products.module.css';
import { ProductToolbar } from './ProductToolbar';

/**
 * The product grid: one live query whose filter, sort and limit follow `controls`, the toolbar
 * that changes them, the form that adds a product. Where the controls live (the URL in the app,
 * a story's state) is the caller's business.
 */
export function ProductCatalog({
  controls,
  onControlsChange,
}: {
  controls: ProductControls;
  onControlsChange: (controls: ProductControls) => void;
}) {
  const { dbName } = useShop();
  const {
    data: products = [],
    liveStatus,
    error,
    total,
  } = useLiveQuery<Product>(productQuery(dbName, controls), { withTotal: true });
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
          Could not load products: {error?.message ?? 'the live query was ended by the server'}
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
        <ul className={styles.grid} data-testid="product-list" data-live-status={liveStatus}>
          {products.map((product) => (
            <ProductCard key={String(product._id)} product={product} />
          ))}
        </ul>
      )}
    </>
  );
}
