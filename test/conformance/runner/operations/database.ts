// Database and client operations of the unified format.
import { readPreferenceOf } from '../entities.js';
import { createChangeStream } from './changeStream.js';
import { clientBulkWrite } from './clientBulkWrite.js';
import { type Handler, type OperationContext, split, withSession } from './context.js';

const db = (target: string, ctx: OperationContext) => ctx.entities.database(target);

export const databaseOperations: Record<string, Handler> = {
  async aggregate(target, args, ctx) {
    const [{ pipeline }, options] = split(withSession(args, ctx), ['pipeline']);
    return db(target, ctx).aggregate(pipeline, options).toArray();
  },
  async createChangeStream(target, args, ctx) {
    return createChangeStream(db(target, ctx), withSession(args, ctx));
  },
  async runCommand(target, args, ctx) {
    // commandName exists for drivers that need it to build the command; ours does not.
    const [{ command, readPreference }, options] = split(withSession(args, ctx), [
      'command',
      'commandName',
      'readPreference',
    ]);
    return db(target, ctx).command(command, {
      ...options,
      ...(readPreference ? { readPreference: readPreferenceOf(readPreference) } : {}),
    });
  },
  async createCollection(target, args, ctx) {
    const [{ collection }, options] = split(withSession(args, ctx), ['collection']);
    await db(target, ctx).createCollection(collection, options);
    return undefined;
  },
  async dropCollection(target, args, ctx) {
    const [{ collection }, options] = split(withSession(args, ctx), ['collection']);
    await db(target, ctx).dropCollection(collection, options);
    return undefined;
  },
  async listCollections(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    return db(target, ctx)
      .listCollections(filter ?? {}, options)
      .toArray();
  },
  async listCollectionNames(target, args, ctx) {
    const [{ filter }, options] = split(withSession(args, ctx), ['filter']);
    const collections = await db(target, ctx)
      .listCollections(filter ?? {}, { ...options, nameOnly: true })
      .toArray();
    return collections.map((c) => c.name);
  },
  // The driver has no collMod helper; the format's modifyCollection is that command.
  async modifyCollection(target, args, ctx) {
    const [{ collection, session }, options] = split(withSession(args, ctx), ['collection', 'session']);
    return db(target, ctx).command({ collMod: collection, ...options }, session ? { session } : {});
  },
};

export const clientOperations: Record<string, Handler> = {
  clientBulkWrite,
  async createChangeStream(target, args, ctx) {
    return createChangeStream(ctx.entities.client(target), withSession(args, ctx));
  },
  async listDatabases(target, args, ctx) {
    const reply = await ctx.entities.client(target).db('admin').admin().listDatabases(withSession(args, ctx));
    return reply.databases;
  },
  async listDatabaseNames(target, args, ctx) {
    const reply = await ctx.entities.client(target).db('admin').admin().listDatabases(withSession(args, ctx));
    return reply.databases.map((d) => d.name);
  },
};
