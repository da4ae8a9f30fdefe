import type { OplogEntry } from '../oplog/OplogEntry.js';
import type { StreamScope } from './parseChangeStreamSpec.js';

/** DDL operations that only streams with `showExpandedEvents` report. */
const EXPANDED_OPS = new Set(['create', 'createIndexes', 'dropIndexes', 'modify']);
const INTERNAL_DBS = new Set(['admin', 'config', 'local']);

/** What an oplog entry means for one stream. */
export interface ScopedEntry {
  /** The event to report, named by its operationType; undefined when the entry is not for this stream. */
  operationType?: string;
  /** The stream ends after this entry with an invalidate event. */
  invalidates: boolean;
}

const NOT_FOR_THIS_STREAM: ScopedEntry = { invalidates: false };

function isSystemCollection(coll: string | undefined): boolean {
  return coll?.startsWith('system.') ?? false;
}

/**
 * Decides whether `entry` concerns a stream of `scope`, which event it becomes, and whether it
 * invalidates the stream: a collection stream on drop/rename of its collection (from or onto its
 * name) or dropDatabase of its database (reported as a drop of the collection first), a database
 * stream on dropDatabase.
 */
export function scopeEntry(entry: OplogEntry, scope: StreamScope, showExpandedEvents: boolean): ScopedEntry {
  if (entry.op === 'noop') return NOT_FOR_THIS_STREAM;
  if (EXPANDED_OPS.has(entry.op) && !showExpandedEvents) return NOT_FOR_THIS_STREAM;
  switch (scope.kind) {
    case 'collection': {
      if (entry.db !== scope.db) return NOT_FOR_THIS_STREAM;
      // View definitions live in system.views: only database and cluster streams see them.
      if (entry.op === 'create' && entry.operationDescription?.viewOn !== undefined) return NOT_FOR_THIS_STREAM;
      if (entry.op === 'dropDatabase') return { operationType: 'drop', invalidates: true };
      // Renaming another collection onto the watched name replaces it: MongoDB invalidates that stream too.
      const renamedOnto = entry.op === 'rename' && entry.to?.db === scope.db && entry.to.coll === scope.coll;
      if (renamedOnto) return { operationType: 'rename', invalidates: true };
      if (entry.coll !== scope.coll) return NOT_FOR_THIS_STREAM;
      return { operationType: entry.op, invalidates: entry.op === 'drop' || entry.op === 'rename' };
    }
    case 'database': {
      if (entry.db !== scope.db || isSystemCollection(entry.coll)) return NOT_FOR_THIS_STREAM;
      return { operationType: entry.op, invalidates: entry.op === 'dropDatabase' };
    }
    case 'cluster': {
      if (INTERNAL_DBS.has(entry.db) || isSystemCollection(entry.coll)) return NOT_FOR_THIS_STREAM;
      return { operationType: entry.op, invalidates: false };
    }
  }
}
