import { Long, Timestamp, UUID } from 'bson';
import { describe, expect, it } from 'vitest';
import { inTransaction, sameTransaction, transactionGroups } from './transactions.js';

const session = new UUID();
const other = new UUID();
const at = (t: number) => new Timestamp({ t, i: 1 });
const write = (id: number, t: number) => ({ _id: { _data: `${id}` }, operationType: 'update', clusterTime: at(t) });
const txnWrite = (id: number, t: number, txn: number, lsid = session) => ({
  ...write(id, t),
  lsid: { id: lsid, uid: new Uint8Array(32) },
  txnNumber: Long.fromNumber(txn),
});

describe('transaction groups', () => {
  it('groups consecutive events of one transaction; ordinary writes stay alone', () => {
    const a = write(1, 10);
    const t1 = [txnWrite(2, 11, 1), txnWrite(3, 11, 1), txnWrite(4, 11, 1)];
    const b = write(5, 12);
    const t2 = [txnWrite(6, 13, 2), txnWrite(7, 13, 2)];
    const groups = transactionGroups([a, ...t1, b, ...t2]);
    expect(groups).toEqual([[a], t1, [b], t2]);
  });

  it('tells transactions apart by session, number and cluster time', () => {
    expect(sameTransaction(txnWrite(1, 5, 1), txnWrite(2, 5, 1))).toBe(true);
    expect(sameTransaction(txnWrite(1, 5, 1), txnWrite(2, 5, 2))).toBe(false);
    expect(sameTransaction(txnWrite(1, 5, 1), txnWrite(2, 6, 1))).toBe(false);
    expect(sameTransaction(txnWrite(1, 5, 1), txnWrite(2, 5, 1, other))).toBe(false);
    expect(sameTransaction(write(1, 5), write(2, 5))).toBe(false);
    expect(inTransaction(write(1, 5))).toBe(false);
    expect(inTransaction(txnWrite(1, 5, 0))).toBe(true);
  });
});
