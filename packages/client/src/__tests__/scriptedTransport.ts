// Test support: a LiveTransport scripted by the test (no socket.io), for orderings a real server rarely produces.
import type { ClientToServerEvents, ServerToClientEvents } from '@mongo-live/protocol';
import type { LiveError } from '../LiveError.js';
import type { ConnectionStatus, LiveTransport } from '../transport/LiveTransport.js';

/**
 * A scripted LiveTransport (our own interface, no socket.io): the test answers each request and
 * emits server events by hand, to reach orderings a real server rarely produces.
 */
export class ScriptedTransport implements LiveTransport {
  status: ConnectionStatus = 'connected';
  readonly requests: Array<{
    event: string;
    payload: Record<string, unknown>;
    answer(data: unknown): void;
    fail(e: LiveError): void;
  }> = [];
  private readonly listeners = new Map<string, Set<(arg: never) => void>>();
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();
  private ids = 0;

  onStatus(listener: (s: ConnectionStatus) => void) {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
  setStatus(status: ConnectionStatus) {
    this.status = status;
    for (const l of [...this.statusListeners]) l(status);
  }
  request<E extends keyof ClientToServerEvents>(event: E, payload: never): Promise<never> {
    return new Promise((resolve, reject) => {
      this.requests.push({ event, payload, answer: resolve as (d: unknown) => void, fail: reject });
    });
  }
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]) {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (arg: never) => void);
    return () => set.delete(listener as (arg: never) => void);
  }
  emit(event: keyof ServerToClientEvents, arg: unknown) {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (a: unknown) => void)(arg);
  }
  newSubId() {
    return `s${++this.ids}`;
  }
  last(event: string) {
    return [...this.requests].reverse().find((r) => r.event === event);
  }
}
