import type { ChangeStreamDocument, Document } from 'mongodb';

export interface ChangeLine {
  kind: 'insert' | 'update' | 'delete' | 'other';
  collection: string;
  text: string;
  at: Date | undefined;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

function fieldList(change: Document): string {
  const updated = Object.entries((change.updateDescription?.updatedFields ?? {}) as Document);
  const parts = updated.map(([field, value]) =>
    field === 'price' && typeof value === 'number' ? `price → ${money.format(value)}` : `${field} → ${String(value)}`,
  );
  const removed = (change.updateDescription?.removedFields ?? []) as string[];
  return [...parts, ...removed.map((f) => `${f} removed`)].join(', ') || 'updated';
}

/** One readable line per change event of the shop database. */
export function describeChange(change: ChangeStreamDocument<Document>): ChangeLine {
  const event = change as Document;
  const collection = String(event.ns?.coll ?? '');
  const doc = event.fullDocument as Document | undefined;
  const at: Date | undefined =
    event.wallTime instanceof Date
      ? event.wallTime
      : typeof event.clusterTime?.getHighBits === 'function'
        ? new Date(event.clusterTime.getHighBits() * 1000)
        : undefined;
  const name = doc?.name ?? doc?.productName;
  switch (event.operationType) {
    case 'insert':
      if (collection === 'orders')
        return {
          kind: 'insert',
          collection,
          at,
          text: `Order placed: ${doc?.productName} (${money.format(doc?.total ?? 0)})`,
        };
      return { kind: 'insert', collection, at, text: `New ${collection.replace(/s$/, '')}: ${name ?? 'unnamed'}` };
    case 'update':
    case 'replace':
      return { kind: 'update', collection, at, text: `${name ?? 'Document'}: ${fieldList(event)}` };
    case 'delete':
      return { kind: 'delete', collection, at, text: `${collection.replace(/s$/, '')} removed` };
    default:
      return { kind: 'other', collection, at, text: String(event.operationType) };
  }
}
