import { compareValues } from '@mongo-live/bson-order';
import type { WireSort } from '@mongo-live/protocol';
import type { Document } from 'mongodb';

/**
 * Values at a dotted path, MongoDB style: arrays on the way are traversed element by element,
 * an array at the end contributes its elements. A missing path yields `[undefined]`.
 *
 * @example
 * valuesAt({ a: [{ b: 1 }, { b: 2 }] }, 'a.b') // [1, 2]
 */
export function valuesAt(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out.length === 0 ? [undefined] : out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else out.push(...value);
    } else out.push(value);
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) collect(value[Number(part)], parts, i + 1, out);
    for (const element of value) {
      if (element !== null && typeof element === 'object' && !Array.isArray(element)) collect(element, parts, i, out);
    }
    return;
  }
  if (value !== null && typeof value === 'object') {
    collect((value as Record<string, unknown>)[part], parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/**
 * A query's sort order (multi-key, BSON order) with `_id` as the final tiebreaker, so that the
 * order is total and deterministic, and equal to a MongoDB `sort` with `_id: 1` appended.
 *
 * @example
 * const order = new SortOrder([['price', -1]]);
 * docs.sort((a, b) => order.compare(order.keysOf(a), order.keysOf(b)));
 */
export class SortOrder {
  readonly fields: ReadonlyArray<readonly [string, 1 | -1]>;

  constructor(sort: WireSort = []) {
    const fields: Array<readonly [string, 1 | -1]> = sort.map(([f, d]) => [f, d] as const);
    if (!fields.some(([f]) => f === '_id')) fields.push(['_id', 1]);
    this.fields = fields;
  }

  /** The sort used for the database query: same keys, same tiebreaker. */
  get mongoSort(): Array<[string, 1 | -1]> {
    return this.fields.map(([f, d]) => [f, d]);
  }

  /** Sort keys of a document: per field, the smallest value (ascending) or largest (descending). */
  keysOf(doc: Document): unknown[] {
    return this.fields.map(([field, dir]) => {
      const values = valuesAt(doc, field);
      let best = values[0];
      for (let i = 1; i < values.length; i++) {
        const c = compareValues(values[i], best);
        if (dir === 1 ? c < 0 : c > 0) best = values[i];
      }
      return best;
    });
  }

  /** Compares two key lists produced by {@link keysOf}. */
  compare(a: readonly unknown[], b: readonly unknown[]): number {
    for (let i = 0; i < this.fields.length; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c * (this.fields[i] as readonly [string, 1 | -1])[1];
    }
    return 0;
  }
}
