import type { Sort } from 'mongodb';
import { type Category, isCategory } from './model';

/** The product list's controls, kept in the URL so the server renders the same query the browser runs. */
export interface ProductControls {
  category: Category | undefined;
  order: 'asc' | 'desc';
  /** Products per page: the first page, then one more on each "Load more". */
  pageSize: number;
}

export const PAGE_SIZES = [6, 12, 24] as const;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function param(params: Params, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseProductControls(params: Params): ProductControls {
  const category = param(params, 'category');
  const pageSize = Number(param(params, 'pageSize'));
  return {
    category: isCategory(category) ? category : undefined,
    order: param(params, 'order') === 'desc' ? 'desc' : 'asc',
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : 12,
  };
}

export function productControlsToSearch(controls: ProductControls): string {
  const search = new URLSearchParams();
  if (controls.category) search.set('category', controls.category);
  if (controls.order !== 'asc') search.set('order', controls.order);
  if (controls.pageSize !== 12) search.set('pageSize', String(controls.pageSize));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The live pages behind the product list (same object on server and client, so the same cache
 * key): `useLiveInfiniteQuery(productPages(...), { pageSize })` in the browser,
 * `prefetchLivePages` of its first page on the server.
 */
export function productPages(dbName: string, controls: ProductControls) {
  const direction = controls.order === 'asc' ? 1 : -1;
  const sort: Sort = { price: direction, name: 1 };
  return { db: dbName, collection: 'products', filter: productFilter(controls), sort };
}

/** The products the controls select (all pages together): what the live total counts. */
export function productFilter(controls: ProductControls): { category?: Category } {
  return controls.category ? { category: controls.category } : {};
}
