// Special test operations (object: testRunner).
import { EJSON } from 'bson';
import type { Document } from 'mongodb';
import { MatchError } from '../match.js';
import type { Handler, OperationContext } from './context.js';

async function collectionExists(ctx: OperationContext, databaseName: string, collectionName: string) {
  const found = await ctx.internal
    .db(databaseName)
    .listCollections({ name: collectionName }, { nameOnly: true })
    .toArray();
  return found.length > 0;
}

async function indexExists(ctx: OperationContext, databaseName: string, collectionName: string, indexName: string) {
  const indexes = await ctx.internal
    .db(databaseName)
    .collection(collectionName)
    .listIndexes()
    .toArray()
    .catch(() => [] as Document[]);
  return indexes.some((index) => index.name === indexName);
}

function lastTwoLsids(ctx: OperationContext, client: string): [string, string] {
  const started = ctx.entities
    .clientEntity(client)
    .events.filter((e) => e.type === 'commandStartedEvent')
    .map((e) => e.event.command.lsid);
  if (started.length < 2) throw new MatchError(`fewer than two commandStartedEvents observed on ${client}`);
  const [a, b] = started.slice(-2);
  return [EJSON.stringify(a), EJSON.stringify(b)];
}

export const testRunnerOperations: Record<string, Handler> = {
  async failPoint(_target, args, ctx) {
    const client = ctx.entities.client(args.client);
    const failPoint = args.failPoint as Document;
    await client.db('admin').command(failPoint);
    ctx.failPoints.push({ client: ctx.internal, name: failPoint.configureFailPoint });
    return undefined;
  },
  async assertCollectionExists(_target, { databaseName, collectionName }, ctx) {
    if (!(await collectionExists(ctx, databaseName, collectionName))) {
      throw new MatchError(`collection ${databaseName}.${collectionName} does not exist`);
    }
    return undefined;
  },
  async assertCollectionNotExists(_target, { databaseName, collectionName }, ctx) {
    if (await collectionExists(ctx, databaseName, collectionName)) {
      throw new MatchError(`collection ${databaseName}.${collectionName} exists`);
    }
    return undefined;
  },
  async assertIndexExists(_target, { databaseName, collectionName, indexName }, ctx) {
    if (!(await indexExists(ctx, databaseName, collectionName, indexName))) {
      throw new MatchError(`index ${indexName} on ${databaseName}.${collectionName} does not exist`);
    }
    return undefined;
  },
  async assertIndexNotExists(_target, { databaseName, collectionName, indexName }, ctx) {
    if (await indexExists(ctx, databaseName, collectionName, indexName)) {
      throw new MatchError(`index ${indexName} on ${databaseName}.${collectionName} exists`);
    }
    return undefined;
  },
  async assertSameLsidOnLastTwoCommands(_target, { client }, ctx) {
    const [a, b] = lastTwoLsids(ctx, client);
    if (a !== b) throw new MatchError(`last two commands used different lsids: ${a} vs ${b}`);
    return undefined;
  },
  async assertDifferentLsidOnLastTwoCommands(_target, { client }, ctx) {
    const [a, b] = lastTwoLsids(ctx, client);
    if (a === b) throw new MatchError(`last two commands used the same lsid ${a}`);
    return undefined;
  },
};
