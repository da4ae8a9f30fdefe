import { startLiveStack } from '../support/liveStack.js';
import { startEmbeddedProcess, startProcess } from '../support/processes.js';

export interface MemoryResult {
  sockets: number;
  subscriptions: number;
  /** Bridge heap per idle socket (connected, no subscription), bytes. */
  bytesPerSocket: number;
  /** Bridge heap per idle watch subscription (all on one shared stream), bytes. */
  bytesPerSubscription: number;
  mongoStreams: number;
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench: run node with --expose-gc');
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const settle = () => new Promise((r) => setTimeout(r, 500));

/** Server memory per idle socket and per idle subscription (the bridge's bookkeeping, socket.io rooms). */
export async function measureMemory(options: { sockets: number; perSocket: number }): Promise<MemoryResult> {
  const db = await startEmbeddedProcess();
  const stack = await startLiveStack(db.uri, { maxSubscriptionsPerSocket: options.perSocket + 10 });
  try {
    // Warm up the shared stream with one subscriber, so the stream itself is not counted.
    const warm = startProcess('bench/support/idleSubscribers.ts', [stack.url, '1', 'bench', 'memory']);
    await warm.line('READY');
    warm.send({ subscribe: 1 });
    await warm.line('SUBSCRIBED');
    await settle();
    const base = heapAfterGc();
    const clients = startProcess('bench/support/idleSubscribers.ts', [
      stack.url,
      String(options.sockets),
      'bench',
      'memory',
    ]);
    await clients.line('READY', 120_000);
    await settle();
    const withSockets = heapAfterGc();
    clients.send({ subscribe: options.perSocket });
    await clients.line('SUBSCRIBED', 120_000);
    await settle();
    const withSubs = heapAfterGc();
    const subscriptions = options.sockets * options.perSocket;
    const result: MemoryResult = {
      sockets: options.sockets,
      subscriptions,
      bytesPerSocket: Math.round((withSockets - base) / options.sockets),
      bytesPerSubscription: Math.round((withSubs - withSockets) / subscriptions),
      mongoStreams: stack.bridge.stats().mongoStreams,
    };
    await clients.stop();
    await warm.stop();
    return result;
  } finally {
    await stack.close();
    await db.stop();
  }
}
