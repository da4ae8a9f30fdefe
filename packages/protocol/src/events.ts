import type { EJSONDocument } from './ejson.js';
import type {
  Ack,
  AckResult,
  ChangeBatch,
  ClosingMessage,
  FindRequest,
  LiveCountAccepted,
  LiveCountRequest,
  LiveCountUpdate,
  LivePagesAccepted,
  LivePagesRequest,
  LivePagesUpdate,
  LiveQueryAccepted,
  LiveQueryRequest,
  LiveQueryUpdate,
  MorePagesRequest,
  PingRequest,
  QueryErrorMessage,
  StreamErrorMessage,
  SubscriptionErrorMessage,
  UnsubscribeRequest,
  WatchAccepted,
  WatchRequest,
} from './messages.js';

/**
 * Events a client emits; every one is acknowledged with an {@link AckResult}. Shared by both
 * sides: `new Server<ClientToServerEvents, ServerToClientEvents>()` and
 * `io(url) as Socket<ServerToClientEvents, ClientToServerEvents>`.
 */
export interface ClientToServerEvents {
  watch: (request: WatchRequest, ack: Ack<WatchAccepted>) => void;
  query: (request: LiveQueryRequest, ack: Ack<LiveQueryAccepted>) => void;
  count: (request: LiveCountRequest, ack: Ack<LiveCountAccepted>) => void;
  pages: (request: LivePagesRequest, ack: Ack<LivePagesAccepted>) => void;
  'pages:more': (request: MorePagesRequest, ack: Ack<{ version: number }>) => void;
  find: (request: FindRequest, ack: Ack<{ docs: EJSONDocument[] }>) => void;
  unsubscribe: (request: UnsubscribeRequest, ack: Ack<null>) => void;
  /** Liveness check: answered at once with `null`, whatever the request holds. */
  ping: (request: PingRequest, ack: Ack<null>) => void;
}

/**
 * Data of a successful ack of a client → server event: what the bridge answers, what the client's
 * `request` resolves with.
 *
 * @example
 * const accepted: AckData<'query'> = { subId: 'a-1', queryId: 'q1', docs: [], version: 0 };
 */
export type AckData<E extends keyof ClientToServerEvents> =
  Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] extends AckResult<infer T> ? T : never;

/** Events the bridge emits. */
export interface ServerToClientEvents {
  change: (batch: ChangeBatch) => void;
  'stream:error': (message: StreamErrorMessage) => void;
  'query:update': (update: LiveQueryUpdate) => void;
  'query:error': (message: QueryErrorMessage) => void;
  'count:update': (update: LiveCountUpdate) => void;
  'pages:update': (update: LivePagesUpdate) => void;
  'sub:error': (message: SubscriptionErrorMessage) => void;
  closing: (message: ClosingMessage) => void;
}

/** Names of the client → server events, for validation of unknown events. */
export const CLIENT_EVENTS = [
  'watch',
  'query',
  'count',
  'pages',
  'pages:more',
  'find',
  'unsubscribe',
  'ping',
] as const satisfies ReadonlyArray<keyof ClientToServerEvents>;
