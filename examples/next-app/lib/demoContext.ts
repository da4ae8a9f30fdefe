import type { Db, MongoClient } from 'mongodb';

/**
 * What the custom server hands to the Next.js code (pages, server actions) running in the same
 * process. Next bundles its server code separately from `server/`, so module state is not shared:
 * a global is the one handle both sides see.
 */
export interface DemoContext {
  mongo: MongoClient;
  dbName: string;
  /** When this process connected (ms): change history older than that may not exist (see lib/activity.ts). */
  startedAt: number;
}

const KEY = Symbol.for('mongo-live.demo-context');
type WithContext = typeof globalThis & { [KEY]?: DemoContext };

export function setDemoContext(context: DemoContext | undefined): void {
  (globalThis as WithContext)[KEY] = context;
}

export function getDemoContext(): DemoContext {
  const context = (globalThis as WithContext)[KEY];
  if (!context) throw new Error('The demo database is not connected: start the app with `npm run demo`.');
  return context;
}

export function demoDb(): Db {
  const { mongo, dbName } = getDemoContext();
  return mongo.db(dbName);
}
