'use client';
import { CATEGORIES } from '@/lib/model';
import { PAGE_SIZES, type ProductControls } from '@/lib/productQuery';
import styles from './Products.module.css';

export function ProductToolbar({
  controls,
  onChange,
}: {
  controls: ProductControls;
  onChange: (controls: ProductControls) => void;
}) {
  return (
    <div className={styles.toolbar}>
      <fieldset className={styles.chips}>
        <legend className="visually-hidden">Category</legend>
        {[undefined, ...CATEGORIES].map((category) => (
          <button
            key={category ?? 'all'}
            type="button"
            className={styles.chip}
            aria-pressed={controls.category === category}
            onClick={() => onChange({ ...controls, category })}
          >
            {category ?? 'All'}
          </button>
        ))}
      </fieldset>
      <div className={styles.selects}>
        <label>
          <span className="visually-hidden">Sort by price</span>
          <select
            className="field"
            value={controls.order}
            data-testid="sort"
            onChange={(e) => onChange({ ...controls, order: e.target.value === 'desc' ? 'desc' : 'asc' })}
          >
            <option value="asc">Cheapest first</option>
            <option value="desc">Priciest first</option>
          </select>
        </label>
        <label>
          <span className="visually-hidden">Products per page</span>
          <select
            className="field"
            value={controls.pageSize}
            data-testid="page-size"
            onChange={(e) => onChange({ ...controls, pageSize: Number(e.target.value) })}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n} per page
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
