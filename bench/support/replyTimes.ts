import type { Document, MongoClient } from 'mongodb';

/**
 * When each getMore reply reached this process, by the `seq` of the bench inserts it holds: the
 * moment a process has an event from MongoDB, before its driver processed it. Anchoring each path
 * at its own reply takes out the order in which MongoDB answers the waiting cursors, which
 * otherwise decides who is "first" by up to a millisecond. The client needs `monitorCommands`.
 *
 * @example
 * const replies = recordReplyTimes(await new MongoClient(uri, { monitorCommands: true }).connect());
 */
export function recordReplyTimes(client: MongoClient): Map<number, number> {
  const replies = new Map<number, number>();
  client.on('commandSucceeded', (e) => {
    if (e.commandName !== 'getMore') return;
    const t = Number(process.hrtime.bigint()) / 1e6;
    const batch = (e.reply as { cursor?: { nextBatch?: Document[] } }).cursor?.nextBatch ?? [];
    for (const event of batch) {
      const seq = event.fullDocument?.seq;
      if (typeof seq === 'number' && !replies.has(seq)) replies.set(seq, t);
    }
  });
  return replies;
}
