'use client';
import { useState, useTransition } from 'react';
import type { Product } from '@/lib/model';
import { changePrice, deleteProduct, placeOrder } from '../actions';
import styles from './Products.module.css';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function ProductCard({ product }: { product: Product }) {
  const id = String(product._id);
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string>();
  const run = (action: () => Promise<unknown>) => startTransition(async () => void (await action()));

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
          disabled={pending}
          onClick={() => run(() => deleteProduct(id))}
        >
          ✕
        </button>
      </div>
      <h3 className={styles.name}>{product.name}</h3>
      <div className={styles.meta}>
        {/* Keyed by price so the flash replays on every live change. */}
        <span key={product.price} className={styles.price} data-testid="price">
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
