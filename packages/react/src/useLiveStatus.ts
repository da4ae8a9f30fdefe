import type { ConnectionStatus } from '@mongo-live/client';
import { useCallback, useSyncExternalStore } from 'react';
import { useLiveClient } from './useLiveClient.js';

/**
 * The connection status of the provider's client: 'connecting' | 'connected' | 'stale' |
 * 'reconnecting' | 'disconnected'. 'stale' means the socket is open but the bridge stopped
 * answering its heartbeat (or the browser is offline): shown data may be frozen. Re-renders on
 * every change.
 *
 * @example
 * function ConnectionBadge() {
 *   const status = useLiveStatus();
 *   return <span className={status}>{status === 'connected' ? 'live' : 'offline'}</span>;
 * }
 */
export function useLiveStatus(): ConnectionStatus {
  const client = useLiveClient();
  const subscribe = useCallback((onChange: () => void) => client.onStatus(onChange), [client]);
  const getSnapshot = useCallback(() => client.status, [client]);
  // The server render knows no socket: it and the hydration pass both say 'connecting', so a socket
  // that connects before hydration cannot make the markup mismatch; the real status follows at once.
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

function getServerSnapshot(): ConnectionStatus {
  return 'connecting';
}
