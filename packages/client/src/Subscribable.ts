// biome-ignore lint/suspicious/noExplicitAny: listener argument lists vary
type AnyListener = (...args: any[]) => void;

/**
 * The one listener set of the client (after TanStack query-core's `Subscribable`): `subscribe`
 * returns the unsubscribe function, subclasses `notify` and react to the first subscriber
 * arriving and the last one leaving (`onSubscribe` / `onUnsubscribe`). A throwing listener
 * does not stop the others; its error is rethrown asynchronously, where it is reported.
 * Internal to the package: public classes expose `subscribe`, `onStatus` or `on`/`off`.
 *
 * @example
 * class Clock extends Subscribable<(now: number) => void> {
 *   tick() { this.notify(Date.now()); }
 * }
 * const off = new Clock().subscribe((now) => console.log(now));
 */
export class Subscribable<L extends AnyListener = () => void> {
  protected readonly listeners = new Set<L>();

  constructor() {
    // Passed around unbound, e.g. to React's useSyncExternalStore.
    this.subscribe = this.subscribe.bind(this);
  }

  /** Adds `listener`; returns the function that removes it (calling it twice is harmless). */
  subscribe(listener: L): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.onSubscribe();
    return () => this.unsubscribe(listener);
  }

  /** Removes `listener` (no-op when absent). */
  unsubscribe(listener: L): void {
    if (this.listeners.delete(listener) && this.listeners.size === 0) this.onUnsubscribe();
  }

  /** True while at least one listener is subscribed. */
  hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /** Number of listeners (for leak checks in tests and diagnostics). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Called when the first listener arrives. */
  protected onSubscribe(): void {}

  /** Called when the last listener leaves. */
  protected onUnsubscribe(): void {}

  /** Calls every listener with `args`, in the order they were added. */
  protected notify(...args: Parameters<L>): void {
    for (const listener of [...this.listeners]) {
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
}

/**
 * A {@link Subscribable} whose owner emits: one per event name of a class with `on`/`off`.
 *
 * @example
 * const errors = new Topic<(e: Error) => void>();
 * errors.subscribe(console.error);
 * errors.emit(new Error('boom'));
 */
export class Topic<L extends AnyListener = () => void> extends Subscribable<L> {
  /** Calls every listener with `args`. */
  emit(...args: Parameters<L>): void {
    this.notify(...args);
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
