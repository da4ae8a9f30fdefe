import type { WatchTarget } from '@mongo-live/protocol';
import type { ChangeStreamOptions } from 'mongodb';

/**
 * The server-side options that change what MongoDB sends. Subscriptions whose options fall in the
 * same family share a feed: `default` is served by `updateLookup` (the bridge drops the looked-up
 * document from updates) and `off` by `whenAvailable` (the bridge drops the pre-image).
 */
export interface FeedFamily {
  fullDocument: 'updateLookup' | 'whenAvailable' | 'required';
  fullDocumentBeforeChange: 'whenAvailable' | 'required';
  showExpandedEvents: boolean;
}

/** The family live queries (and most watch subscriptions) use. */
export const LIVE_FAMILY: Readonly<FeedFamily> = Object.freeze({
  fullDocument: 'updateLookup',
  fullDocumentBeforeChange: 'whenAvailable',
  showExpandedEvents: false,
});

/**
 * The feed family serving a subscription with these client options.
 *
 * @example
 * familyOf({}) // LIVE_FAMILY: one feed serves plain watch() subscriptions and live queries
 */
export function familyOf(options: ChangeStreamOptions): FeedFamily {
  const fd = options.fullDocument;
  const pre = options.fullDocumentBeforeChange;
  return {
    fullDocument: fd === 'whenAvailable' || fd === 'required' ? fd : 'updateLookup',
    fullDocumentBeforeChange: pre === 'required' ? 'required' : 'whenAvailable',
    showExpandedEvents: options.showExpandedEvents === true,
  };
}

/** The driver options of a family's stream. */
export function familyOptions(family: FeedFamily): ChangeStreamOptions {
  const options: ChangeStreamOptions = {
    fullDocument: family.fullDocument,
    fullDocumentBeforeChange: family.fullDocumentBeforeChange,
  };
  if (family.showExpandedEvents) options.showExpandedEvents = true;
  return options;
}

/** The registry key of the feed for a scope and family. */
export function feedKey(scope: WatchTarget, family: FeedFamily): string {
  return JSON.stringify([
    scope.db ?? null,
    scope.collection ?? null,
    family.fullDocument,
    family.fullDocumentBeforeChange,
    family.showExpandedEvents,
  ]);
}
