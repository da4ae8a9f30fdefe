// What an operation handler gets, and helpers shared by the handlers.
import type { Document, MongoClient } from 'mongodb';
import type { EntityMap } from '../entities.js';

/** A fail point set by the test, to be switched off afterwards on the same deployment. */
export interface FailPointRecord {
  client: MongoClient;
  name: string;
}

export interface OperationContext {
  entities: EntityMap;
  /** The internal client: setup, outcome checks, turning fail points off. */
  internal: MongoClient;
  failPoints: FailPointRecord[];
  /** Upper bound for waiting on one change event (iterateUntilDocumentOrError). */
  iterateTimeoutMS: number;
}

export type Handler = (target: string, args: Document, ctx: OperationContext) => Promise<unknown>;

/** Operations whose result is an iterable of documents: each element is matched as a root document. */
export const ITERABLE_OPERATIONS = new Set([
  'aggregate',
  'find',
  'listIndexes',
  'listCollections',
  'listDatabases',
  'runCursorCommand',
]);

/** Replaces `session: <entity name>` by the session entity; returns the other arguments as driver options. */
export function withSession(args: Document, ctx: OperationContext): Document {
  if (typeof args.session !== 'string') return args;
  return { ...args, session: ctx.entities.session(args.session) };
}

/** Separates the named positional arguments from the remaining options. */
export function split<K extends string>(args: Document, names: readonly K[]): [Record<K, Document[string]>, Document] {
  const positional = {} as Record<K, Document[string]>;
  const rest: Document = { ...args };
  for (const name of names) {
    positional[name] = rest[name];
    delete rest[name];
  }
  return [positional, rest];
}
