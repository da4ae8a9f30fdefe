import { ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { insertEvent, type ScriptedBridge, token, wireError, withScriptedBridge } from '../__tests__/scriptedBridge.js';
import { socketOf, socketTransportOf } from '../__tests__/socketOf.js';
import type { LiveClient } from '../LiveClient.js';
import { LiveError } from '../LiveError.js';

let bridge: ScriptedBridge;
let live: LiveClient;

withScriptedBridge((b, l) => {
  bridge = b;
  live = l;
});

const coll = () => live.db('db').collection('c');
const n = (change: unknown) => (change as { fullDocument: { n: number } }).fullDocument.n;
const idOf = (change: unknown) => (change as { _id: unknown })._id;
/** Resolves once the bridge accepted the stream. */
async function opened(stream: { status: string; on(e: 'status', l: () => void): unknown }) {
  while (stream.status !== 'open') await new Promise<void>((r) => stream.on('status', r));
}

describe('ChangeStream', () => {
  it('subscribes eagerly with the protocol version and hands out decoded events in order', async () => {
    const stream = coll().watch([{ $match: { operationType: 'insert' } }], { fullDocument: 'updateLookup' });
    const { request } = await bridge.watchNumber(1);
    expect(request).toMatchObject({
      v: 1,
      target: { db: 'db', collection: 'c' },
      pipeline: [{ $match: { operationType: 'insert' } }],
      options: { fullDocument: 'updateLookup' },
    });
    bridge.send('stream-1', [insertEvent(1), insertEvent(2)]);
    const first = await stream.next();
    expect(n(first)).toBe(1);
    expect(first.clusterTime).toBeInstanceOf(Timestamp);
    expect((first as { documentKey: { _id: unknown } }).documentKey._id).toBeInstanceOf(ObjectId);
    expect((first as { wallTime?: unknown }).wallTime).toBeInstanceOf(Date);
    expect(n(await stream.next())).toBe(2);
    await stream.close();
  });

  it('tryNext resolves null when nothing arrives within maxAwaitTimeMS, the event otherwise', async () => {
    const stream = coll().watch([], { maxAwaitTimeMS: 20 });
    await bridge.watchNumber(1);
    expect(await stream.tryNext()).toBeNull();
    bridge.send('stream-1', [insertEvent(1)]);
    const next = stream.next(); // wait for delivery, then put it back through tryNext's path
    expect(n(await next)).toBe(1);
    bridge.send('stream-1', [insertEvent(2)]);
    let got = await stream.tryNext();
    while (got === null) got = await stream.tryNext();
    expect(n(got)).toBe(2);
    await stream.close();
  });

  it('resumeToken: the ack token first, then each handed-out event, then postBatchResumeToken once drained', async () => {
    const stream = coll().watch();
    const tokens: unknown[] = [];
    stream.on('resumeTokenChanged', (t) => tokens.push(t));
    await opened(stream);
    expect(stream.resumeToken).toEqual(token(0));
    bridge.send('stream-1', [insertEvent(1), insertEvent(2)], token(3));
    const first = await stream.next();
    expect(stream.resumeToken).toEqual(idOf(first)); // one still buffered: not past it
    await stream.next();
    expect(stream.resumeToken).toEqual(token(3));
    bridge.send('stream-1', [], token(4)); // empty batch with the buffer empty: the token advances
    bridge.send('stream-1', [insertEvent(5)]);
    await stream.next();
    expect(stream.resumeToken).toEqual(token(5));
    expect(tokens).toEqual([token(0), token(1), token(3), token(4), token(5)]);
    await stream.close();
  });

  it('starts with the resumeAfter it was given and sends it as EJSON', async () => {
    const stream = coll().watch([], { resumeAfter: { _data: 'tok-000042' } });
    expect(stream.resumeToken).toEqual({ _data: 'tok-000042' });
    const { request } = await bridge.watchNumber(1);
    expect(request.options?.resumeAfter).toEqual({ _data: 'tok-000042' });
    await stream.close();
  });

  it('close() rejects a pending next with CLOSED, ends iteration, and unsubscribes', async () => {
    const stream = coll().watch();
    await opened(stream);
    const pending = stream.next();
    const closing = stream.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    await closing;
    expect(stream.closed).toBe(true);
    expect(stream.alive).toBe(false);
    expect(bridge.unsubscribes).toHaveLength(1);
    const seen: unknown[] = [];
    for await (const change of stream) seen.push(change);
    expect(seen).toEqual([]);
  });

  it('leaving a for-await loop closes the stream; await using closes at the end of the block', async () => {
    const stream = coll().watch();
    await bridge.watchNumber(1);
    bridge.send('stream-1', [insertEvent(1), insertEvent(2)]);
    for await (const change of stream) {
      expect(n(change)).toBe(1);
      break;
    }
    expect(stream.closed).toBe(true);
    let inner: { closed: boolean } | undefined;
    {
      await using s = coll().watch();
      inner = s;
      expect(s.closed).toBe(false);
    }
    expect(inner.closed).toBe(true);
  });

  it('a stream error reaches next() after the buffered events, emits error then close', async () => {
    const stream = coll().watch();
    const order: string[] = [];
    stream.on('error', (e) => order.push(`error:${e.code}`));
    stream.on('close', () => order.push('close'));
    await bridge.watchNumber(1);
    bridge.send('stream-1', [insertEvent(1)]);
    bridge.io
      .of('/mongo-live')
      .to('stream-1')
      .emit('stream:error', {
        streamId: 'stream-1',
        error: { code: 'HISTORY_LOST', message: 'gone', mongoCode: 286 },
      });
    expect(n(await stream.next())).toBe(1);
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveError);
    expect(error).toMatchObject({ code: 'HISTORY_LOST', mongoCode: 286 });
    expect(order).toEqual(['error:HISTORY_LOST', 'close']);
    expect(stream.closed).toBe(true);
    await expect(stream.next()).rejects.toMatchObject({ code: 'HISTORY_LOST' });
  });

  it('a refused watch rejects next() with the ack error', async () => {
    bridge.onWatch = () => ({ ok: false, error: wireError('UNAUTHORIZED', 'no') });
    const stream = coll().watch();
    await expect(stream.next()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(stream.status).toBe('error');
  });

  it('sub:error LIMIT_EXCEEDED re-subscribes from the last position; other codes fail the stream', async () => {
    const stream = coll().watch();
    const first = await bridge.watchNumber(1);
    bridge.send('stream-1', [insertEvent(1)], token(2));
    expect(n(await stream.next())).toBe(1);
    first.socket.emit('sub:error', { subId: first.request.subId, error: wireError('LIMIT_EXCEEDED') });
    const second = await bridge.watchNumber(2);
    expect(second.request.options?.resumeAfter).toEqual(token(2));
    expect(second.request.subId).not.toBe(first.request.subId);
    bridge.send('stream-1', [insertEvent(3)]);
    expect(n(await stream.next())).toBe(3);
    second.socket.emit('sub:error', { subId: second.request.subId, error: wireError('SERVER_ERROR', 'boom') });
    await expect(stream.next()).rejects.toMatchObject({ code: 'SERVER_ERROR' });
  });

  it('after a connection loss it re-subscribes after its last token and drops repeated events', async () => {
    const stream = coll().watch();
    const statuses: string[] = [];
    stream.on('status', (s) => statuses.push(s));
    await bridge.watchNumber(1);
    bridge.send('stream-1', [insertEvent(1), insertEvent(2)]);
    expect(n(await stream.next())).toBe(1);
    bridge.dropConnections();
    const again = await bridge.watchNumber(2);
    expect(again.request.options?.resumeAfter).toEqual(token(2)); // past the buffered event too
    bridge.send('stream-1', [insertEvent(2), insertEvent(3)]); // a server replaying one event
    expect(n(await stream.next())).toBe(2);
    expect(n(await stream.next())).toBe(3);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
    await stream.close();
  });

  it('keeps batches that arrive before the ack, after the join point', async () => {
    bridge.onWatch = (request, socket) => {
      socket.join('stream-9');
      bridge.send('stream-9', [insertEvent(1), insertEvent(2)]); // before the join point: dropped
      bridge.send('stream-9', [insertEvent(3)]);
      return { ok: true, data: { subId: request.subId, streamId: 'stream-9', resumeToken: token(2) } };
    };
    const stream = coll().watch();
    expect(n(await stream.next())).toBe(3);
    await stream.close();
  });

  it("event style: on('change') receives every event, and next() refuses", async () => {
    const stream = coll().watch();
    const got: number[] = [];
    const done = new Promise<void>((resolve) =>
      stream.on('change', (c) => {
        got.push(n(c));
        if (got.length === 3) resolve();
      }),
    );
    await bridge.watchNumber(1);
    bridge.send('stream-1', [insertEvent(1)]);
    bridge.send('stream-1', [insertEvent(2), insertEvent(3)]);
    await done;
    expect(got).toEqual([1, 2, 3]);
    await expect(stream.next()).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await stream.close();
  });

  it('closing frees every listener, over many open/close cycles', async () => {
    const socket = socketOf(live);
    const count = () =>
      ['change', 'stream:error', 'sub:error', 'closing', 'connect', 'disconnect'].reduce(
        (sum, e) => sum + socket.listeners(e as 'connect').length,
        0,
      ) + socketTransportOf(live).listenerCount;
    const baseline = count();
    for (let i = 0; i < 50; i++) {
      const stream = coll().watch();
      if (i % 2 === 0) await bridge.watchNumber(i + 1);
      await stream.close();
    }
    expect(count()).toBe(baseline);
  });

  it('a malformed batch fails the stream loudly (SERVER_ERROR), the socket keeps working', async () => {
    const stream = coll().watch();
    await opened(stream);
    bridge.send('stream-1', [{ _id: { _data: 'tok-bad' }, clusterTime: { $timestamp: 'nope' } }]);
    await expect(stream.next()).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    const other = live.db('db').collection('d').watch();
    await opened(other);
    bridge.send('stream-1', [insertEvent(7)]);
    expect(n(await other.next())).toBe(7);
    await other.close();
  });
});
