import type { WireError } from '@mongo-live/protocol';
import { describe, expect, it } from 'vitest';
import { ScriptedTransport } from '../__tests__/scriptedTransport.js';
import type { LiveError } from '../LiveError.js';
import { RemoteSubscription, type SubscriptionKind, type SubscriptionPhase } from './RemoteSubscription.js';

interface Ack {
  subId: string;
  streamId: string;
}
interface Batch {
  streamId: string;
  events: number[];
}

/** A kind that records what the lifecycle hands it, on the `watch` request and `change` messages. */
function recordingKind() {
  const log: string[] = [];
  const kind: SubscriptionKind<Ack, Batch> = {
    listen: (t, routes) => [
      t.on('change', (b) => routes.data(b.streamId, b as unknown as Batch)),
      t.on('stream:error', (m) => routes.error(m.streamId, m.error)),
    ],
    request: (t, subId) => t.request('watch', { subId, target: {} }) as unknown as Promise<Ack>,
    channel: (ack) => ack.streamId,
    accepted: (ack, early) => log.push(`ack ${ack.subId} early ${early.map((b) => b.events.join('+')).join(',')}`),
    received: (batch) => log.push(`data ${batch.events.join('+')}`),
  };
  return { kind, log };
}

function start(t: ScriptedTransport) {
  const { kind, log } = recordingKind();
  const phases: SubscriptionPhase[] = [];
  const failures: LiveError[] = [];
  const sub = new RemoteSubscription(t, kind, { phase: (p) => phases.push(p), failed: (e) => failures.push(e) });
  sub.start();
  return { sub, log, phases, failures };
}

const batch = (streamId: string, ...events: number[]) => ({ streamId, events });
const limit: WireError = { code: 'LIMIT_EXCEEDED', message: 'slow' };

describe('RemoteSubscription', () => {
  it("hands over the channel's messages that came before the ack, in order, and routes the rest", () => {
    const t = new ScriptedTransport();
    const { log, phases } = start(t);
    t.emit('change', batch('other', 9));
    t.emit('change', batch('A', 1));
    t.emit('change', batch('A', 2));
    t.last('watch')?.answer({ subId: 's1', streamId: 'A' });
    return Promise.resolve().then(() => {
      t.emit('change', batch('A', 3));
      t.emit('change', batch('other', 8));
      expect(log).toEqual(['ack s1 early 1,2', 'data 3']);
      expect(phases).toEqual(['open']);
    });
  });

  it('subscribes again after a connection loss and releases an ack that comes back stale', async () => {
    const t = new ScriptedTransport();
    const { log, phases } = start(t);
    const first = t.last('watch');
    t.setStatus('reconnecting'); // the bridge forgot the socket's subscriptions
    t.setStatus('connected');
    const second = t.last('watch');
    expect(second).not.toBe(first);
    first?.answer({ subId: 's1', streamId: 'A' }); // stale
    second?.answer({ subId: 's2', streamId: 'A' });
    await Promise.resolve();
    expect(t.requests.filter((r) => r.event === 'unsubscribe').map((r) => r.payload)).toEqual([{ subId: 's1' }]);
    expect(log).toEqual(['ack s2 early ']);
    expect(phases).toEqual(['open']);
  });

  it("a sub:error that came before the ack is applied after that ack's data: resubscribe without unsubscribing", async () => {
    const t = new ScriptedTransport();
    const { log, phases } = start(t);
    t.emit('change', batch('A', 1));
    t.emit('sub:error', { subId: 's1', error: limit });
    t.emit('change', batch('A', 2)); // after the bridge ended it: not this subscription's
    t.last('watch')?.answer({ subId: 's1', streamId: 'A' });
    await Promise.resolve();
    expect(log).toEqual(['ack s1 early 1']);
    expect(phases).toEqual(['reconnecting']); // never 'open': the bridge had ended it already
    expect(t.last('watch')?.payload.subId).toBe('s2');
    expect(t.requests.some((r) => r.event === 'unsubscribe')).toBe(false);
  });

  it('a channel error before the ack fails after the data that preceded it; close after that is quiet', async () => {
    const t = new ScriptedTransport();
    const { sub, log, phases, failures } = start(t);
    t.emit('change', batch('A', 1));
    t.emit('stream:error', { streamId: 'A', error: { code: 'STREAM_INVALIDATED', message: 'dropped' } });
    t.last('watch')?.answer({ subId: 's1', streamId: 'A' });
    await Promise.resolve();
    expect(log).toEqual(['ack s1 early 1']);
    expect(failures.map((e) => e.code)).toEqual(['STREAM_INVALIDATED']);
    expect(phases).toEqual(['error']);
    await sub.close();
    expect(phases).toEqual(['error']);
  });

  it('closed before the ack: unsubscribes what the bridge opened once it answers', async () => {
    const t = new ScriptedTransport();
    const { sub, phases } = start(t);
    const closing = sub.close();
    expect(phases).toEqual(['closed']);
    t.last('watch')?.answer({ subId: 's1', streamId: 'A' });
    await Promise.resolve();
    await Promise.resolve();
    t.last('unsubscribe')?.answer(null);
    await closing;
    expect(t.last('unsubscribe')?.payload).toEqual({ subId: 's1' });
  });
});
