import type { WireSort } from '@mongo-live/protocol';

function direction(value: unknown, field: string): 1 | -1 {
  if (value === 1 || value === 'asc' || value === 'ascending') return 1;
  if (value === -1 || value === 'desc' || value === 'descending') return -1;
  throw new Error(`unsupported sort direction for '${field}': ${JSON.stringify(value)}`);
}

const DIRECTIONS = new Set<unknown>([1, -1, 'asc', 'desc', 'ascending', 'descending']);
const isPair = (v: unknown): v is [string, unknown] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && DIRECTIONS.has(v[1]);

/**
 * Normalizes a mongodb `Sort` (object, Map, `'a'`, `['a', -1]`, `[['a', 1], ...]`) into wire pairs,
 * exactly as the browser client does, so server-built query keys equal the browser's.
 *
 * @example
 * toWireSort({ price: -1, _id: 1 }) // [['price', -1], ['_id', 1]]
 */
export function toWireSort(sort: unknown): WireSort {
  if (typeof sort === 'string') return [[sort, 1]];
  if (sort instanceof Map) return [...sort].map(([f, d]) => [String(f), direction(d, String(f))]);
  if (Array.isArray(sort)) {
    if (isPair(sort)) return [[sort[0], direction(sort[1], sort[0])]];
    return sort.map((item: unknown) => {
      if (typeof item === 'string') return [item, 1] as [string, 1];
      if (isPair(item)) return [item[0], direction(item[1], item[0])] as [string, 1 | -1];
      throw new Error(`unsupported sort entry: ${JSON.stringify(item)}`);
    });
  }
  if (sort && typeof sort === 'object')
    return Object.entries(sort as Record<string, unknown>).map(([f, d]) => [f, direction(d, f)]);
  throw new Error('unsupported sort');
}
