/** How far back the activity panels start: the last hour of the shop's history (server clock). */
export const ACTIVITY_HISTORY_SECONDS = 60 * 60;

/** Unix seconds to start the activity feed's change stream at, for this request. */
export function activitySince(now = Date.now()): number {
  return Math.floor(now / 1000) - ACTIVITY_HISTORY_SECONDS;
}
