'use client';
import { useLiveStatus } from '@mongo-live/react';
import styles from './LiveStatus.module.css';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Live',
  // The socket is open but the server stopped answering: the data on screen may be frozen.
  stale: 'Not responding…',
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
