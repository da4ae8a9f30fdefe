import { Binary, type Document, Long } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE, MAX_WRITE_BATCH_SIZE } from '../wire/opcodes.js';
import type { CommandContext, CommandHandler } from './CommandContext.js';

/** Wire version of MongoDB 8.0. */
export const MAX_WIRE_VERSION = 25;

/**
 * hello / isMaster: describes a writable primary of a one-member replica set. The reply is the
 * same on every call (the topology never changes), which awaitable hello relies on.
 */
export const hello: CommandHandler = (ctx) => helloReply(ctx);

/** The hello document for this connection; `legacy` picks isMaster's `ismaster` field name. */
export function helloReply(ctx: CommandContext): Document {
  const { server, body, connection } = ctx;
  const client = body.client as Document | undefined;
  const application = client?.application as Document | undefined;
  if (typeof application?.name === 'string') connection.appName = application.name;
  const legacy = ctx.name !== 'hello';
  const now = new Date();
  const opTime = { ts: server.clock.now(), t: Long.fromNumber(1) };
  const address = server.identity.address;
  return {
    ...(body.helloOk === true ? { helloOk: true } : {}),
    topologyVersion: { processId: server.processId, counter: server.topologyCounter },
    hosts: [address],
    setName: server.identity.replSetName,
    setVersion: 1,
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    secondary: false,
    primary: address,
    me: address,
    electionId: server.electionId,
    lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: now,
    logicalSessionTimeoutMinutes: 30,
    connectionId: connection.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  };
}

/** `$clusterTime` as every reply carries it (unsigned: no auth). */
export function clusterTimeDocument(ctx: { server: CommandContext['server'] }): Document {
  return {
    clusterTime: ctx.server.clock.now(),
    signature: { hash: new Binary(Buffer.alloc(20), 0), keyId: Long.fromNumber(0) },
  };
}
