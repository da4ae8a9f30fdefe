'use client';
import { Timestamp, useChangeStream } from '@mongo-live/react';
import { useState } from 'react';
import { useShop } from '../_components/ShopContext';
import styles from './ActivityFeed.module.css';
import { describeChange } from './describeChange';

// Module-level so the pipeline keeps its identity across renders (the hook re-subscribes on change).
const PIPELINE = [{ $match: { 'ns.coll': { $in: ['users', 'orders', 'products'] } } }];
const ICONS = { insert: '+', update: '↻', delete: '−', other: '•' } as const;
const time = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * Every change in the shop database: one change stream over three collections. With `since` (unix
 * seconds, from the server's clock) it starts there, so the panel opens with the recent history
 * (the last `limit` events of it) instead of empty; if the oplog no longer reaches back that far,
 * it starts from now instead.
 */
export function ActivityFeed({
  limit = 30,
  compact = false,
  title = 'Activity',
  since,
}: {
  limit?: number;
  compact?: boolean;
  title?: string;
  since?: number;
}) {
  const { dbName } = useShop();
  const [historyLost, setHistoryLost] = useState(false);
  const from = since !== undefined && !historyLost ? { startAtOperationTime: new Timestamp({ t: since, i: 0 }) } : {};
  const { events, status, error } = useChangeStream({ db: dbName }, PIPELINE, {
    fullDocument: 'updateLookup',
    maxEvents: limit,
    ...from,
  });
  if (error && 'startAtOperationTime' in from) setHistoryLost(true);
  const lines = events.map((event) => ({ id: JSON.stringify(event._id), line: describeChange(event) })).reverse();

  return (
    <section className={`card ${styles.feed}`} aria-labelledby="activity-title" data-testid="activity-feed">
      <header className={styles.head}>
        <h2 id="activity-title">{title}</h2>
        <span className={styles.streamStatus} data-status={status} data-testid="feed-status">
          {status === 'open' ? 'watching' : status}
        </span>
      </header>
      {!compact ? (
        <p className={styles.hint}>
          <code>
            useChangeStream({'{'} db: &apos;{dbName}&apos; {'}'})
          </code>{' '}
          — inserts, updates and deletes across products, orders and users. Other customers&apos; orders never reach
          this page.
        </p>
      ) : null}
      {error && !('startAtOperationTime' in from) ? <p className={styles.error}>{error.message}</p> : null}
      {lines.length === 0 ? (
        <p className={styles.empty}>
          {status === 'connecting' ? 'Loading recent activity…' : 'Nothing yet. Change a product or place an order.'}
        </p>
      ) : (
        <ol className={styles.list}>
          {lines.map(({ id, line }) => (
            <li key={id} className={styles.item} data-kind={line.kind} data-testid="activity-item">
              <span className={styles.icon} aria-hidden>
                {ICONS[line.kind]}
              </span>
              <span className={styles.text}>
                <span className={styles.coll}>{line.collection}</span>
                {line.text}
              </span>
              {line.at ? <time className={styles.time}>{time.format(line.at)}</time> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
