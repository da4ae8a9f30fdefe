import { encode, type LiveQueryUpdate } from '@mongo-live/protocol';
import { describe, expect, it } from 'vitest';
import { ScriptedTransport } from '../__tests__/scriptedTransport.js';
import { LiveError } from '../LiveError.js';
import { LiveQuery } from './LiveQuery.js';

const spec = { db: 'd', collection: 'c' };
const doc = (id: number, n = id) => encode({ _id: id, n }) as Record<string, unknown>;
const update = (version: number, diffs: LiveQueryUpdate['diffs']): LiveQueryUpdate => ({
  queryId: 'q1',
  version,
  diffs,
});

describe('LiveQuery', () => {
  it('applies updates that arrive before the ack, in order, and ignores old versions', async () => {
    const t = new ScriptedTransport();
    const store = new LiveQuery(t, spec);
    expect(store.getSnapshot().status).toBe('loading');
    t.emit('query:update', update(5, [{ op: 'added', index: 0, doc: doc(0) }])); // already in the snapshot
    t.emit('query:update', update(6, [{ op: 'added', index: 2, doc: doc(3) }]));
    t.last('query')?.answer({ subId: 's1', queryId: 'q1', docs: [doc(0), doc(1)], version: 5 });
    expect((await store.ready()).map((d) => d._id)).toEqual([0, 1, 3]);
    const before = store.getSnapshot();
    t.emit('query:update', update(6, [{ op: 'removed', index: 0 }])); // duplicate version
    t.emit('query:update', { ...update(7, [{ op: 'removed', index: 0 }]), queryId: 'other' });
    expect(store.getSnapshot()).toBe(before);
    expect(before.status).toBe('live');
  });

  it('resubscribes on a version gap, keeping documents and identities', async () => {
    const t = new ScriptedTransport();
    const store = new LiveQuery(t, spec);
    t.last('query')?.answer({ subId: 's1', queryId: 'q1', docs: [doc(1), doc(2)], version: 1 });
    const [first, second] = await store.ready();
    t.emit('query:update', update(3, [{ op: 'removed', index: 0 }])); // 2 is missing
    expect(t.last('unsubscribe')?.payload).toEqual({ subId: 's1' });
    const again = t.last('query');
    expect(again?.payload.subId).toBe('s2');
    expect(store.getSnapshot().docs).toEqual([first, second]);
    again?.answer({ subId: 's2', queryId: 'q1', docs: [doc(2), doc(4)], version: 3 });
    await Promise.resolve();
    const docs = store.getSnapshot().docs;
    expect(docs[0]).toBe(second);
    expect(docs.map((d) => d._id)).toEqual([2, 4]);
  });

  it('is not live while it re-snapshots after a missed update or an overflow on the bridge', async () => {
    const t = new ScriptedTransport();
    const query = new LiveQuery(t, spec);
    t.last('query')?.answer({ subId: 's1', queryId: 'q1', docs: [doc(1)], version: 1 });
    await query.ready();
    const statuses: string[] = [];
    query.subscribe(() => statuses.push(query.getSnapshot().status));
    t.emit('query:update', update(3, [{ op: 'removed', index: 0 }])); // 2 is missing: known behind
    expect(query.getSnapshot().status).toBe('reconnecting');
    t.emit('query:update', { ...update(4, []), queryId: 'q1' }); // of the dropped subscription: ignored
    t.last('query')?.answer({ subId: 's2', queryId: 'q1', docs: [doc(1), doc(2)], version: 4 });
    await Promise.resolve();
    expect(query.getSnapshot().status).toBe('live');
    // The bridge drops the subscription of a socket whose queue overflowed: a fresh snapshot, no unsubscribe.
    const unsubscribes = t.requests.filter((r) => r.event === 'unsubscribe').length;
    t.emit('sub:error', { subId: 's2', error: { code: 'LIMIT_EXCEEDED', message: 'slow' } });
    expect(query.getSnapshot().status).toBe('reconnecting');
    expect(t.requests.filter((r) => r.event === 'unsubscribe')).toHaveLength(unsubscribes);
    t.last('query')?.answer({ subId: 's3', queryId: 'q1', docs: [doc(2)], version: 9 });
    await Promise.resolve();
    expect(query.getSnapshot().docs.map((d) => d._id)).toEqual([2]);
    expect(statuses).toEqual(['reconnecting', 'live', 'reconnecting', 'live']);
    query.close();
  });

  it('shows reconnecting with the old documents, then replaces them with the new snapshot', async () => {
    const t = new ScriptedTransport();
    const store = new LiveQuery(t, spec);
    t.last('query')?.answer({ subId: 's1', queryId: 'q1', docs: [doc(1)], version: 0 });
    const docs = await store.ready();
    t.setStatus('reconnecting');
    expect(store.getSnapshot()).toEqual({ docs, status: 'reconnecting' });
    t.setStatus('connected');
    t.last('query')?.answer({ subId: 's2', queryId: 'q9', docs: [doc(1)], version: 7 });
    await Promise.resolve();
    expect(store.getSnapshot().status).toBe('live');
    expect(store.getSnapshot().docs).toBe(docs); // nothing changed: same array, no re-render
  });

  it('fails with the server error, and closes with an unsubscribe', async () => {
    const t = new ScriptedTransport();
    const failing = new LiveQuery(t, spec);
    t.last('query')?.fail(new LiveError('UNAUTHORIZED', 'no'));
    await expect(failing.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(failing.getSnapshot().status).toBe('error');

    const store = new LiveQuery(t, spec);
    t.last('query')?.answer({ subId: 's2', queryId: 'q1', docs: [], version: 0 });
    await store.ready();
    t.emit('query:error', { queryId: 'q1', error: { code: 'STREAM_INVALIDATED', message: 'gone' } });
    expect(store.getSnapshot().error?.code).toBe('STREAM_INVALIDATED');
    const third = new LiveQuery(t, spec);
    t.last('query')?.answer({ subId: 's3', queryId: 'q1', docs: [], version: 0 });
    await third.ready();
    third.close();
    expect(t.last('unsubscribe')?.payload).toEqual({ subId: 's3' });
    expect(third.getSnapshot().status).toBe('closed');
  });
});
