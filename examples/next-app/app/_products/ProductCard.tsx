'use client';
import { useState, useTransition } from 'react';
import type { Product } from '@/lib/model';
import { useShop } from '../_components/ShopContext';
import { useChangeFlash } from '../_components/useChangeFlash';
import styles from './Products.module.css';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function ProductCard({ product }: { product: Product }) {
  const { changePrice, deleteProduct, placeOrder } = useShop().actions;
  const id = String(product._id);
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string>();
  // ✕ only asks: deleting removes the product for every shopper, so it takes a second click.
  const [confirming, setConfirming] = useState(false);
  const run = (action: () => Promise<unknown>) => startTransition(async () => void (await action()));
  const flash = useChangeFlash(product.price);

  return (
    <li className={styles.card} data-testid="product" data-id={id} data-name={product.name}>
      <div className={styles.cardTop}>
        <span className={styles.category} data-category={product.category}>
          {product.category}
        </span>
        <button
          type="button"
          className="btn btn-ghost btn-danger"
          aria-label={`Delete ${product.name}`}
          aria-expanded={confirming}
          disabled={pending}
          onClick={() => setConfirming(true)}
        >
          ✕
        </button>
      </div>
      {confirming ? (
        <div className={styles.confirm} role="alertdialog" aria-label={`Delete ${product.name}?`}>
          <span>Delete for everyone?</span>
          <button
            type="button"
            className="btn btn-danger-solid"
            disabled={pending}
            onClick={() => run(() => deleteProduct(id))}
          >
            Delete
          </button>
          <button type="button" className="btn" disabled={pending} onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      ) : null}
      <h3 className={styles.name}>{product.name}</h3>
      <div className={styles.meta}>
        {/* Re-keyed on each real price change so the flash replays; never on mount. */}
        <span
          key={flash}
          className={flash ? `${styles.price} ${styles.flash}` : styles.price}
          data-flash={flash || undefined}
          data-testid="price"
        >
          {money.format(product.price)}
        </span>
        <span className={product.stock > 0 ? styles.stock : styles.soldOut}>
          {product.stock > 0 ? `${product.stock} in stock` : 'Sold out'}
        </span>
      </div>
      <div className={styles.actions}>
        <div className={styles.priceButtons}>
          <button
            type="button"
            className="btn"
            aria-label={`Lower the price of ${product.name}`}
            disabled={pending || product.price <= 1}
            onClick={() => run(() => changePrice(id, -1))}
          >
            −$1
          </button>
          <button
            type="button"
            className="btn"
            aria-label={`Raise the price of ${product.name}`}
            disabled={pending}
            onClick={() => run(() => changePrice(id, 1))}
          >
            +$1
          </button>
        </div>
        <button
          type="button"
          className={`btn btn-primary ${styles.orderButton}`}
          disabled={pending || product.stock <= 0}
          onClick={() =>
            run(async () => {
              const result = await placeOrder(id);
              setMessage(result.error);
            })
          }
        >
          Order
        </button>
      </div>
      {message ? <p className={styles.cardError}>{message}</p> : null}
    </li>
  );
}
