// Owned by the live-query work (issue 6): useLiveQuery, useSuspenseLiveQuery, liveQueryOptions.
export {};
