import type { WatchTarget } from '@mongo-live/protocol';
import type { ChangeStreamDocument, Document, ResumeToken } from 'mongodb';
import type { LiveClient } from '../LiveClient.js';
import type { LiveError } from '../LiveError.js';
import { Subscribable } from '../Subscribable.js';
import type { ChangeStream, StreamStatus } from './ChangeStream.js';
import type { WatchOptions } from './watchOptions.js';

/**
 * State of a watched change stream, as read by UIs. A new object whenever something changes,
 * the same object otherwise (fit for useSyncExternalStore).
 *
 * @example
 * const { events, status, error, resumeToken } = observer.getSnapshot();
 */
export interface ChangeStreamState<T extends Document = Document> {
  /** The last `maxEvents` events, newest last. */
  events: ChangeStreamDocument<T>[];
  lastEvent: ChangeStreamDocument<T> | undefined;
  status: StreamStatus;
  error: LiveError | undefined;
  resumeToken: ResumeToken | null;
}

/**
 * Options of {@link ChangeStreamObserver}.
 *
 * @example
 * { fullDocument: 'updateLookup', maxEvents: 50, onChange: (c) => console.log(c) }
 */
export interface ChangeStreamObserverOptions<T extends Document = Document> extends WatchOptions {
  /** False: stay closed (status 'closed') and open nothing. Default true. */
  enabled?: boolean;
  /** Events kept in `events`; default 100. */
  maxEvents?: number;
  /** Called for every event, in order, once. */
  onChange?: (change: ChangeStreamDocument<T>) => void;
}

/**
 * Default number of events kept in `ChangeStreamState.events`.
 *
 * @example
 * new ChangeStreamObserver(live, {}, [], { maxEvents: DEFAULT_MAX_EVENTS * 2 });
 */
export const DEFAULT_MAX_EVENTS = 100;

/**
 * A framework-free store over one change stream: the stream opens with the first subscriber and
 * closes with the last, so mounting, unmounting and StrictMode's double effects never leak a
 * subscription. React's `useChangeStream` is a thin hook over it.
 *
 * @example
 * const observer = new ChangeStreamObserver(live, { db: 'shop', collection: 'orders' }, [], { maxEvents: 20 });
 * const off = observer.subscribe(() => render(observer.getSnapshot().events));
 */
export class ChangeStreamObserver<T extends Document = Document> extends Subscribable {
  private readonly client: LiveClient;
  private readonly target: WatchTarget;
  private readonly pipeline: Document[] | undefined;
  private readonly options: ChangeStreamObserverOptions<T>;
  private stream: ChangeStream<T> | undefined;
  private state: ChangeStreamState<T>;

  constructor(
    client: LiveClient,
    target: WatchTarget,
    pipeline?: Document[],
    options: ChangeStreamObserverOptions<T> = {},
  ) {
    super();
    this.client = client;
    this.target = target;
    this.pipeline = pipeline;
    this.options = options;
    this.state = {
      events: [],
      lastEvent: undefined,
      status: this.enabled ? 'connecting' : 'closed',
      error: undefined,
      resumeToken: null,
    };
  }

  /** The first subscriber opens the stream. */
  protected override onSubscribe(): void {
    this.open();
  }

  /** The last one leaving closes it. */
  protected override onUnsubscribe(): void {
    this.shut();
  }

  /** The current state; the same object until something changes. */
  readonly getSnapshot = (): ChangeStreamState<T> => this.state;

  private get enabled(): boolean {
    return this.options.enabled !== false;
  }

  private open(): void {
    if (!this.enabled || this.stream) return;
    const { enabled: _e, maxEvents: _m, onChange: _o, ...watchOptions } = this.options;
    // Resume where a previous subscription of this observer stopped (e.g. StrictMode's remount).
    if (this.state.resumeToken !== null) watchOptions.resumeAfter = this.state.resumeToken;
    const { db, collection } = this.target;
    const stream =
      db === undefined
        ? this.client.watch<T>(this.pipeline, watchOptions)
        : collection === undefined
          ? this.client.db(db).watch<T>(this.pipeline, watchOptions)
          : this.client.db(db).collection<T>(collection).watch(this.pipeline, watchOptions);
    this.stream = stream;
    this.set({ status: stream.status, error: undefined });
    const max = Math.max(0, this.options.maxEvents ?? DEFAULT_MAX_EVENTS);
    stream.on('status', (status) => {
      // 'closed' after our own close() is not news for the UI; a failure arrives through 'error'.
      if (this.stream === stream && status !== 'error') this.set({ status, resumeToken: stream.resumeToken });
    });
    stream.on('error', (error) => {
      if (this.stream === stream) this.set({ status: 'error', error });
    });
    stream.on('resumeTokenChanged', (resumeToken) => {
      if (this.stream === stream) this.set({ resumeToken });
    });
    stream.on('change', (change) => {
      if (this.stream !== stream) return;
      const events = [...this.state.events, change];
      if (events.length > max) events.splice(0, events.length - max);
      this.set({ events, lastEvent: change, resumeToken: stream.resumeToken });
      this.options.onChange?.(change);
    });
  }

  private shut(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    void stream.close();
    if (this.state.status !== 'error') this.set({ status: 'closed' });
  }

  private set(patch: Partial<ChangeStreamState<T>>): void {
    this.state = { ...this.state, ...patch };
    this.notify();
  }
}
