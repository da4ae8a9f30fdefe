import {
  type ChangeStreamDocument,
  ChangeStreamObserver,
  type ChangeStreamState,
  type Document,
  EJSON,
  type WatchOptions,
  type WatchTarget,
} from '@mongo-live/client';
import { useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useLiveClient } from './useLiveClient.js';

/**
 * Options of {@link useChangeStream}: the driver's watch options plus hook controls.
 *
 * @example
 * useChangeStream({ db: 'shop', collection: 'orders' }, [], { fullDocument: 'updateLookup', maxEvents: 20 });
 */
export interface UseChangeStreamOptions<T extends Document = Document> extends WatchOptions {
  /** False holds the stream closed (status 'closed'). Default true. */
  enabled?: boolean;
  /** Events kept in `events`, newest last. Default 100. */
  maxEvents?: number;
  /** Called once per event, in order. The latest callback is used; changing it does not re-subscribe. */
  onChange?: (change: ChangeStreamDocument<T>) => void;
}

/**
 * What {@link useChangeStream} returns.
 *
 * @example
 * const { events, lastEvent, status, error, resumeToken }: UseChangeStreamResult = useChangeStream({ db: 'shop' });
 */
export type UseChangeStreamResult<T extends Document = Document> = ChangeStreamState<T>;

/**
 * Watches a deployment (`{}`), a database (`{ db }`) or a collection (`{ db, collection }`) and
 * re-renders with its events. Target, pipeline and options are compared by value (EJSON), so
 * inline literals do not re-subscribe on every render; a real change re-subscribes. Unmounting
 * closes the stream; StrictMode's double effects never leave a second subscription behind.
 *
 * @example
 * function OrderFeed() {
 *   const { events, status } = useChangeStream<Order>(
 *     { db: 'shop', collection: 'orders' },
 *     [{ $match: { operationType: 'insert' } }],
 *     { maxEvents: 10, onChange: (c) => toast(`new order ${c.documentKey._id}`) },
 *   );
 *   if (status === 'error') return <p>stream failed</p>;
 *   return <ul>{events.map((e) => <li key={JSON.stringify(e._id)}>{e.operationType}</li>)}</ul>;
 * }
 */
export function useChangeStream<T extends Document = Document>(
  target: WatchTarget,
  pipeline?: Document[],
  options: UseChangeStreamOptions<T> = {},
): UseChangeStreamResult<T> {
  const client = useLiveClient();
  const { enabled = true, maxEvents, onChange, ...watchOptions } = options;
  const onChangeRef = useRef(onChange);
  useLayoutEffect(() => {
    onChangeRef.current = onChange;
  });
  const key = EJSON.stringify(
    {
      target: { db: target.db ?? null, collection: target.collection ?? null },
      pipeline: pipeline ?? [],
      watchOptions,
    },
    { relaxed: false },
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: target, pipeline and options are compared by value through `key`
  const observer = useMemo(
    () =>
      new ChangeStreamObserver<T>(client, target, pipeline, {
        ...watchOptions,
        enabled,
        ...(maxEvents !== undefined ? { maxEvents } : {}),
        onChange: (change) => onChangeRef.current?.(change),
      }),
    [client, key, enabled, maxEvents],
  );
  return useSyncExternalStore(observer.subscribe, observer.getSnapshot, observer.getSnapshot);
}
