import type { Document, Timestamp } from 'bson';
import type { Slot } from './pathAccess.js';

/** What operators may need besides their slot and argument. */
export interface UpdateEnv {
  /** The document being updated (already a private copy). */
  doc: Document;
  /** The clock for $currentDate. */
  now: Date;
  /** The timestamp for `$currentDate: {$type: 'timestamp'}`. */
  timestamp: Timestamp;
}

/** One update operator ($set, $inc, $push...). */
export interface UpdateOperator {
  /** Whether a missing path is created (PathNotViable when it cannot be) or the update is a no-op. */
  creates: boolean;
  /** Validates an argument before any document is touched; returns the form `apply` uses. */
  prepare(arg: unknown, path: string): unknown;
  /** Applies the prepared argument at a slot of `env.doc` (undefined: path missing, not created). */
  apply(slot: Slot | undefined, prepared: unknown, env: UpdateEnv, path: string): void;
}
