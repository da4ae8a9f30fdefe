import { describe, expect, it } from 'vitest';
import { insertEvent, type ScriptedBridge, token, wireError, withScriptedBridge } from '../__tests__/scriptedBridge.js';
import type { LiveClient } from '../LiveClient.js';
import { ChangeStreamObserver, type ChangeStreamState } from './ChangeStreamObserver.js';

let bridge: ScriptedBridge;
let live: LiveClient;
withScriptedBridge((b, l) => {
  bridge = b;
  live = l;
});

/** Resolves with the first snapshot that satisfies `test`. */
function until<T extends ChangeStreamState>(
  observer: { getSnapshot(): T; subscribe(l: () => void): () => void },
  test: (s: T) => boolean,
) {
  return new Promise<T>((resolve) => {
    if (test(observer.getSnapshot())) return resolve(observer.getSnapshot());
    const off = observer.subscribe(() => {
      if (!test(observer.getSnapshot())) return;
      off();
      resolve(observer.getSnapshot());
    });
  });
}
const n = (change: unknown) => (change as { fullDocument: { n: number } }).fullDocument.n;

describe('ChangeStreamObserver', () => {
  it('opens with the first subscriber, keeps maxEvents newest events, and closes with the last one', async () => {
    const seen: number[] = [];
    const observer = new ChangeStreamObserver(live, { db: 'db', collection: 'c' }, [], {
      maxEvents: 2,
      onChange: (c) => seen.push(n(c)),
    });
    expect(observer.getSnapshot().status).toBe('connecting');
    expect(bridge.watches).toHaveLength(0); // nothing before a subscriber
    const off = observer.subscribe(() => undefined);
    const open = await until(observer, (s) => s.status === 'open');
    expect(open.resumeToken).toEqual(token(0));
    expect(observer.getSnapshot()).toBe(open); // same object until something changes
    bridge.send('stream-1', [insertEvent(1), insertEvent(2), insertEvent(3)]);
    const state = await until(observer, (s) => s.events.length === 2 && n(s.lastEvent) === 3);
    expect(state.events.map(n)).toEqual([2, 3]);
    expect(state.resumeToken).toEqual(token(3));
    expect(seen).toEqual([1, 2, 3]);
    off();
    expect(observer.getSnapshot().status).toBe('closed');
    await bridge.unsubscribed(1);
  });

  it('re-opening resumes after the last token it saw', async () => {
    const observer = new ChangeStreamObserver(live, { db: 'db' });
    let off = observer.subscribe(() => undefined);
    await until(observer, (s) => s.status === 'open');
    bridge.send('stream-1', [insertEvent(1)]);
    await until(observer, (s) => s.events.length === 1);
    off();
    off = observer.subscribe(() => undefined);
    const again = await bridge.watchNumber(2);
    expect(again.request.target).toEqual({ db: 'db' });
    expect(again.request.options?.resumeAfter).toEqual(token(1));
    off();
  });

  it('enabled: false opens nothing and reports closed', async () => {
    const observer = new ChangeStreamObserver(live, {}, [], { enabled: false });
    const off = observer.subscribe(() => undefined);
    expect(observer.getSnapshot().status).toBe('closed');
    // A probe stream through the same socket proves no watch was sent before it.
    const probe = live.db('db').watch();
    const first = await bridge.watchNumber(1);
    expect(first.request.target).toEqual({ db: 'db' });
    await probe.close();
    off();
  });

  it('a failing stream ends in status error with the LiveError', async () => {
    bridge.onWatch = () => ({ ok: false, error: wireError('UNAUTHORIZED', 'not you') });
    const observer = new ChangeStreamObserver(live, {});
    const off = observer.subscribe(() => undefined);
    const state = await until(observer, (s) => s.status === 'error');
    expect(state.error).toMatchObject({ code: 'UNAUTHORIZED', message: 'not you' });
    off();
    expect(observer.getSnapshot().status).toBe('error'); // the error stays visible
  });
});
