import type { Sort } from 'mongodb';
import { type Category, isCategory } from './model';

/** The product list's controls, kept in the URL so the server renders the same query the browser runs. */
export interface ProductControls {
  category: Category | undefined;
  order: 'asc' | 'desc';
  limit: number;
}

export const LIMITS = [6, 12, 24] as const;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function param(params: Params, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseProductControls(params: Params): ProductControls {
  const category = param(params, 'category');
  const limit = Number(param(params, 'limit'));
  return {
    category: isCategory(category) ? category : undefined,
    order: param(params, 'order') === 'desc' ? 'desc' : 'asc',
    limit: (LIMITS as readonly number[]).includes(limit) ? limit : 12,
  };
}

export function productControlsToSearch(controls: ProductControls): string {
  const search = new URLSearchParams();
  if (controls.category) search.set('category', controls.category);
  if (controls.order !== 'asc') search.set('order', controls.order);
  if (controls.limit !== 12) search.set('limit', String(controls.limit));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The live query behind the product list (same object on server and client, so the same cache key). */
export function productQuery(dbName: string, controls: ProductControls) {
  const direction = controls.order === 'asc' ? 1 : -1;
  const sort: Sort = { price: direction, name: 1 };
  return {
    db: dbName,
    collection: 'products',
    filter: controls.category ? { category: controls.category } : {},
    sort,
    limit: controls.limit,
  };
}
