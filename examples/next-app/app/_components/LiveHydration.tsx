'use client';
import { liveHydrateOptions } from '@mongo-live/react';
import { type DehydratedState, HydrationBoundary } from '@tanstack/react-query';
import type { ReactNode } from 'react';

/**
 * Puts server-prefetched live query results into the react-query cache before the hooks below read
 * them; `liveHydrateOptions` decodes the documents with the live client's codec (ObjectId, Date...).
 * A client component because those options hold a function, which server props cannot carry.
 */
export function LiveHydration({ state, children }: { state: DehydratedState; children: ReactNode }) {
  return (
    <HydrationBoundary state={state} options={liveHydrateOptions}>
      {children}
    </HydrationBoundary>
  );
}
