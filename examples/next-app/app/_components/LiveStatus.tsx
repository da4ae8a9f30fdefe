'use client';
import { useLiveStatus } from '@mongo-live/react';
import styles from './LiveStatus.module.css';
import { useHydrated } from './useHydrated';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
} as const;

/** The socket's state, as users see it: a dot and a word. */
export function LiveStatus() {
  const live = useLiveStatus();
  // useLiveStatus reports the socket's current state even while hydrating, and the socket may
  // connect before this part of the page hydrates: show what the server rendered until then.
  const status = useHydrated() ? live : 'connecting';
  return (
    <output className={styles.status} data-status={status} aria-live="polite" data-testid="live-status">
      <span className={styles.dot} aria-hidden />
      {LABELS[status]}
    </output>
  );
}
