'use client';
import { useActionState, useRef } from 'react';
import { CATEGORIES } from '@/lib/model';
import { type ActionResult, useShop } from '../_components/ShopContext';
import styles from './Products.module.css';

export function AddProductForm() {
  const { addProduct } = useShop().actions;
  const formRef = useRef<HTMLFormElement>(null);
  const [state, action, pending] = useActionState(async (previous: ActionResult, form: FormData) => {
    const result = await addProduct(previous, form);
    if (!result.error) formRef.current?.reset();
    return result;
  }, {});
  return (
    <form ref={formRef} action={action} className={`card ${styles.addForm}`} aria-label="Add a product">
      <input className="field" name="name" placeholder="New product name" required maxLength={80} />
      <select className="field" name="category" defaultValue="books" aria-label="Category">
        {CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <input
        className="field"
        name="price"
        type="number"
        min="1"
        max="10000"
        step="0.01"
        placeholder="Price"
        aria-label="Price"
        required
      />
      <button type="submit" className="btn btn-primary" disabled={pending}>
        Add product
      </button>
      {state.error ? (
        <p className={styles.formError} role="alert">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
