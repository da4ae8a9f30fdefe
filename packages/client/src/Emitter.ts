/**
 * Listener signatures by event name.
 *
 * @example
 * type Events = { tick: (n: number) => void } satisfies EventMap;
 */
// biome-ignore lint/suspicious/noExplicitAny: listener argument lists vary per event
export type EventMap = Record<string, (...args: any[]) => void>;

/**
 * A minimal typed event emitter that works in browsers and Node alike (no `events` import).
 * A throwing listener does not stop the others; its error is reported asynchronously.
 *
 * @example
 * const e = new Emitter<{ tick: (n: number) => void }>();
 * const off = e.on('tick', (n) => console.log(n));
 * e.emit('tick', 1); off();
 */
// biome-ignore lint/suspicious/noExplicitAny: listener argument lists vary per event
export class Emitter<E extends { [K in keyof E]: (...args: any[]) => void }> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  /** Adds `listener`; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Removes `listener` (no-op when absent). */
  off<K extends keyof E>(event: K, listener: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) this.listeners.delete(event);
  }

  /** Number of listeners of `event`. */
  count(event: keyof E): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` with `args`, in the order they were added. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        // A faulty listener must not break delivery to the others, nor the stream itself.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
