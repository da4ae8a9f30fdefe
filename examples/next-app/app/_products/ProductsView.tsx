'use client';
import { useLiveQuery } from '@mongo-live/react';
import { useSearchParams } from 'next/navigation';
import type { Product } from '@/lib/model';
import { type ProductControls, parseProductControls, productControlsToSearch, productQuery } from '@/lib/productQuery';
import { useShop } from '../_components/ShopContext';
import { AddProductForm } from './AddProductForm';
import { ProductCard } from './ProductCard';
import styles from './Products.module.css';
import { ProductToolbar } from './ProductToolbar';

/** The product list: one live query whose filter, sort and limit follow the toolbar. */
export function ProductsView() {
  const { dbName } = useShop();
  const controls = parseProductControls(useSearchParams());
  const { data: products = [], liveStatus, error } = useLiveQuery<Product>(productQuery(dbName, controls));

  // Shallow URL update: the hook re-subscribes with the new spec, no server round trip needed.
  const setControls = (next: ProductControls) =>
    window.history.replaceState(null, '', `${window.location.pathname}${productControlsToSearch(next)}`);

  return (
    <section aria-labelledby="products-title">
      <div className={styles.heading}>
        <div>
          <h1 id="products-title">Products</h1>
          <p className="lead">
            A live query: <code>useLiveQuery</code> on <code>products</code>, filtered, sorted and limited on the
            server. Open this page twice and change something.
          </p>
        </div>
      </div>
      <ProductToolbar controls={controls} onChange={setControls} />
      <AddProductForm />
      {error ? (
        <p className={styles.error} role="alert">
          Could not load products: {error.message}
        </p>
      ) : null}
      {products.length === 0 ? (
        <p className="empty">{liveStatus === 'loading' ? 'Loading…' : 'No products in this category.'}</p>
      ) : (
        <ul className={styles.grid} data-testid="product-list">
          {products.map((product) => (
            <ProductCard key={String(product._id)} product={product} />
          ))}
        </ul>
      )}
    </section>
  );
}
