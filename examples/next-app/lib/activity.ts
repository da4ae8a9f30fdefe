import { getDemoContext } from './demoContext';

/** How far back the activity panels start: the last hour of the shop's history (server clock). */
export const ACTIVITY_HISTORY_SECONDS = 60 * 60;

/**
 * Unix seconds to start the activity feed's change stream at, for this request: an hour ago, but
 * never before this process connected. A change stream cannot start before the oldest entry of the
 * oplog (MongoDB answers ChangeStreamHistoryLost), and a fresh deployment, like the embedded one,
 * has no older history; the second after connecting is safely inside it.
 */
export function activitySince(now = Date.now(), startedAt = getDemoContext().startedAt): number {
  return Math.max(Math.floor(now / 1000) - ACTIVITY_HISTORY_SECONDS, Math.ceil(startedAt / 1000));
}
