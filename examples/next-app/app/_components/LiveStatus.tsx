'use client';
import { useLiveStatus } from '@mongo-live/react';
import styles from './LiveStatus.module.css';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
} as const;

/** The socket's state, as users see it: a dot and a word. */
export function LiveStatus() {
  // 'connecting' in the server render and while hydrating, then the socket's real state.
  const status = useLiveStatus();
  return (
    <output className={styles.status} data-status={status} aria-live="polite" data-testid="live-status">
      <span className={styles.dot} aria-hidden />
      {LABELS[status]}
    </output>
  );
}
