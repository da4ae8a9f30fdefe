import { PROTOCOL_VERSION } from '@mongo-live/protocol';
import type { Socket } from 'socket.io-client';

/**
 * Liveness check settings of a client ({@link LiveClientOptions.heartbeat}).
 *
 * A connection can die silently (Wi-Fi gone, a NAT or proxy dropping packets): socket.io notices
 * only when its server's ping is late, `pingInterval + pingTimeout` = 45 s by default, and all that
 * time the data is frozen while the status says connected. The heartbeat asks the bridge for an
 * answer whenever nothing has arrived for `intervalMs`; no answer within `timeoutMs` flips the
 * status to `'stale'` (the socket is still open; it comes back to `'connected'` on the answer, or
 * goes `'reconnecting'` when socket.io gives the connection up).
 *
 * @example
 * createLiveClient({ heartbeat: { intervalMs: 5_000, timeoutMs: 5_000 } }); // or `heartbeat: false`
 */
export interface HeartbeatOptions {
  /** Silence after which the client asks the bridge whether it is still there. Default 2 500 ms. */
  intervalMs?: number;
  /** How long an unanswered ping may wait before the connection counts as stale. Default 2 500 ms. */
  timeoutMs?: number;
}

/** Defaults of {@link HeartbeatOptions}: a silent loss shows as 'stale' within about 5 s. */
export const DEFAULT_HEARTBEAT = { intervalMs: 2_500, timeoutMs: 2_500 } as const;

/** The browser's `window`, when there is one: its `offline`/`online`/`visibilitychange` events. */
interface BrowserEvents {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Watches one connected socket and says whether it is stale. Any packet from the server proves
 * the way back works, so pings go out only after `intervalMs` of silence (a busy connection sends
 * none). Staleness is decided only by a ping left unanswered for `timeoutMs`, never by silence
 * alone: a background tab's timers may fire a minute late, and that must not read as a dead
 * connection. The browser's `offline` event marks the connection stale at once; `online` and the
 * tab becoming visible send a ping right away. Pings are ordinary (not volatile) emits: a volatile
 * one is dropped while the transport is briefly not writable (an upgrade), which would look like
 * a lost answer. Internal to the client; SocketTransport runs one per connection.
 *
 * @example
 * const beat = new Heartbeat(socket, {}, (stale) => setStatus(stale ? 'stale' : 'connected'));
 * socket.on('connect', () => beat.start());
 * socket.on('disconnect', () => beat.stop());
 */
export class Heartbeat {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private lastHeard = 0;
  /** When the oldest unanswered ping was sent; undefined when none is outstanding. */
  private pingSentAt: number | undefined;
  /** When the last ping went out: an unanswered one is repeated (it may have been lost on the way). */
  private lastPingAt = 0;
  private stale = false;
  private running = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly browser: BrowserEvents | undefined;

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: only `emit`, `connected` and the manager's events are used
    private readonly socket: Socket<any, any>,
    options: HeartbeatOptions,
    private readonly onChange: (stale: boolean) => void,
  ) {
    this.intervalMs = positive(options.intervalMs, DEFAULT_HEARTBEAT.intervalMs);
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_HEARTBEAT.timeoutMs);
    const w = (globalThis as { window?: BrowserEvents }).window;
    this.browser = typeof w?.addEventListener === 'function' ? w : undefined;
  }

  /** True while a ping is unanswered past its timeout (or the browser says it is offline). */
  get isStale(): boolean {
    return this.stale;
  }

  /** Starts watching (on connect). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastHeard = Date.now();
    this.pingSentAt = undefined;
    this.socket.io.on('packet', this.heard);
    this.socket.io.on('ping', this.heard);
    this.browser?.addEventListener('offline', this.handleOffline);
    this.browser?.addEventListener('online', this.pingNow);
    this.browser?.addEventListener('visibilitychange', this.pingNow);
    // A tick a few times per period keeps detection close to `intervalMs + timeoutMs`.
    this.timer = setInterval(this.tick, Math.max(50, Math.min(this.intervalMs, this.timeoutMs) / 4));
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Stops watching (on disconnect or close); the next `start()` begins fresh, not stale. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    this.socket.io.off('packet', this.heard);
    this.socket.io.off('ping', this.heard);
    this.browser?.removeEventListener('offline', this.handleOffline);
    this.browser?.removeEventListener('online', this.pingNow);
    this.browser?.removeEventListener('visibilitychange', this.pingNow);
    this.pingSentAt = undefined;
    this.stale = false; // no callback: the transport sets the status the disconnect calls for
  }

  private setStale(stale: boolean): void {
    if (stale === this.stale) return;
    this.stale = stale;
    this.onChange(stale);
  }

  private readonly heard = () => {
    this.lastHeard = Date.now();
  };

  private readonly tick = () => {
    if (!this.running) return;
    const now = Date.now();
    if (this.pingSentAt !== undefined) {
      if (now - this.pingSentAt >= this.timeoutMs) this.setStale(true);
      if (now - this.lastPingAt >= this.timeoutMs) this.ping();
      return;
    }
    if (now - this.lastHeard >= this.intervalMs) this.ping();
  };

  private ping(): void {
    if (!this.running || !this.socket.connected) return;
    this.lastPingAt = Date.now();
    this.pingSentAt ??= this.lastPingAt;
    // Any answer counts, even an error from a bridge that does not know `ping`: it came back.
    this.socket.emit('ping', { v: PROTOCOL_VERSION }, () => {
      if (!this.running) return;
      this.lastHeard = Date.now();
      // An answer to a ping sent before the oldest outstanding one cannot exist; any answer clears.
      this.pingSentAt = undefined;
      this.setStale(false);
    });
  }

  private readonly pingNow = () => {
    const hidden = (globalThis as { document?: { visibilityState?: string } }).document?.visibilityState === 'hidden';
    if (!hidden) this.ping();
  };

  private readonly handleOffline = () => {
    // The browser knows the network is gone: say so now, and let the next answer say otherwise.
    this.ping();
    this.setStale(true);
  };
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
