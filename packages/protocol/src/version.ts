/**
 * Version of the wire contract between `@mongo-live/client` and `@mongo-live/server-bridge`.
 * Bumped on any incompatible change to the event maps or message shapes; the bridge
 * refuses requests whose `v` differs, with an `INVALID_REQUEST` error that names both versions.
 */
export const PROTOCOL_VERSION = 1 as const;

/** socket.io namespace used by default on both sides. */
export const DEFAULT_NAMESPACE = '/mongo-live';
