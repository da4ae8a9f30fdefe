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

/** When each event (by `seq`) reached a path's listener, and the getMore reply it came in. */
export interface PathTimes {
  arrivals: Map<number, number>;
  replies: Map<number, number>;
}

/**
 * Per event, a path's overhead over a floor path, each timed from its own getMore reply:
 * (path arrival − its reply) − (floor arrival − its reply). Events missing anywhere are left out.
 *
 * @example
 * summarize(anchoredOverhead(wrote.keys(), { arrivals: bridgeAt, replies: bridgeReplies }, driver));
 */
export function anchoredOverhead(seqs: Iterable<number>, path: PathTimes, floor: PathTimes): number[] {
  const out: number[] = [];
  for (const s of seqs) {
    const a = path.arrivals.get(s);
    const r = path.replies.get(s);
    const fa = floor.arrivals.get(s);
    const fr = floor.replies.get(s);
    if (a !== undefined && r !== undefined && fa !== undefined && fr !== undefined) out.push(a - r - (fa - fr));
  }
  return out;
}
