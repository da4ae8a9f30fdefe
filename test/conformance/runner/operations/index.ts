// Dispatch of an operation to its handler by the kind of its object.
import type { EntityKind } from '../entities.js';
import { UnsupportedError } from '../unsupported.js';
import { changeStreamOperations } from './changeStream.js';
import { collectionOperations } from './collection.js';
import type { Handler } from './context.js';
import { clientOperations, databaseOperations } from './database.js';
import { testRunnerOperations } from './testRunner.js';

const byKind: Partial<Record<EntityKind | 'testRunner', Record<string, Handler>>> = {
  testRunner: testRunnerOperations,
  client: clientOperations,
  database: databaseOperations,
  collection: collectionOperations,
  changeStream: changeStreamOperations,
};

/** The handler for `name` on an object of `kind`; UnsupportedError when the runner lacks it. */
export function handlerFor(kind: EntityKind | 'testRunner', name: string): Handler {
  const handler = byKind[kind]?.[name];
  if (!handler) throw new UnsupportedError(kind === 'testRunner' ? name : `${kind}.${name}`);
  return handler;
}

/** Whether the runner implements `name` on `kind` (used to skip a test before running it). */
export function isSupported(kind: EntityKind | 'testRunner', name: string): boolean {
  return byKind[kind]?.[name] !== undefined;
}
