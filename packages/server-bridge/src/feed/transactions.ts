import type { Document } from 'mongodb';

/**
 * The events of one multi-document transaction share their `clusterTime`, `lsid` and `txnNumber`
 * (MongoDB emits them consecutively, from the transaction's `applyOps` oplog entries); ordinary
 * writes carry no `txnNumber`. Views that must never show half a transaction (live queries,
 * counts, pages) apply such a run as one step; watch streams still deliver every event, as
 * MongoDB does.
 */

/** True when `event` was written by a multi-document transaction. */
export function inTransaction(event: Document): boolean {
  return event.txnNumber !== undefined && event.txnNumber !== null;
}

/** True when `a` and `b` are events of the same transaction. */
export function sameTransaction(a: Document, b: Document): boolean {
  if (!inTransaction(a) || !inTransaction(b)) return false;
  return (
    String(a.txnNumber) === String(b.txnNumber) &&
    sameTime(a.clusterTime, b.clusterTime) &&
    sessionKey(a.lsid) === sessionKey(b.lsid)
  );
}

/**
 * Splits a batch into the runs that must be applied as one step: each transaction's consecutive
 * events together, every other event alone.
 *
 * @example
 * for (const group of transactionGroups(batch)) view.applyAll(group);
 */
export function transactionGroups(events: readonly Document[]): Document[][] {
  const groups: Document[][] = [];
  let current: Document[] | undefined;
  for (const event of events) {
    const last = current?.at(-1);
    if (current && last && sameTransaction(last, event)) current.push(event);
    else {
      current = [event];
      groups.push(current);
    }
  }
  return groups;
}

function sameTime(a: unknown, b: unknown): boolean {
  if (a == null || b == null) return a === b;
  const equals = (a as { equals?: (other: unknown) => boolean }).equals;
  return typeof equals === 'function' ? equals.call(a, b) : String(a) === String(b);
}

/** The session's id as text (`lsid.id` is a UUID Binary). */
function sessionKey(lsid: unknown): string {
  const id = lsid !== null && typeof lsid === 'object' ? (lsid as { id?: unknown }).id : lsid;
  if (id !== null && typeof id === 'object') return (id as { toString(encoding?: string): string }).toString('hex');
  return String(id);
}
