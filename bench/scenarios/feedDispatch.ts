import { ObjectId } from 'mongodb';
import { ChangeEventGuard } from '../../packages/server-bridge/src/access/ChangeEventGuard.js';
import { encode } from '../../packages/server-bridge/src/driverBson.js';
import { dispatchPredicateOf } from '../../packages/server-bridge/src/feed/dispatchPredicate.js';
import { EventIndex } from '../../packages/server-bridge/src/feed/EventIndex.js';
import { normalizeNumbers } from '../../packages/server-bridge/src/live-query/normalize.js';

export interface FeedDispatchRow {
  subscriptions: number;
  /** Bridge CPU per change event (µs): index lookup, row filter, projection, pipeline and encoding of the groups it reaches. */
  perEventUs: number;
  /** Groups the index handed each event to (on average). */
  candidates: number;
}

/**
 * The bridge side of a change feed, in process: N watch groups, each with its own row filter
 * (`tenant`) and pipeline (`$match` on its own `owner`, `$addFields`), and a stream of insert and
 * update events that each concern one group. Per-event CPU must stay flat as N grows.
 */
export function measureFeedDispatch(options: { subscriptions: number[]; events: number }): FeedDispatchRow[] {
  const rows: FeedDispatchRow[] = [];
  for (const n of options.subscriptions) {
    const index = new EventIndex<ChangeEventGuard>();
    for (let i = 0; i < n; i++) {
      const rowFilter = { tenant: `t${i % 100}` };
      const pipeline = [{ $match: { 'fullDocument.owner': `o${i}` } }, { $addFields: { sub: i } }];
      const guard = new ChangeEventGuard({ filter: rowFilter, clientOptions: {}, clientPipeline: pipeline });
      index.add(guard, dispatchPredicateOf({ rowFilter, pipeline }));
    }
    const events = Array.from({ length: 1000 }, (_, k) => {
      const owner = (k * 7919) % n;
      const doc = { _id: new ObjectId(), owner: `o${owner}`, tenant: `t${owner % 100}`, n: k, text: 'x'.repeat(64) };
      return k % 3 === 0
        ? {
            _id: { _data: `82${k.toString(16).padStart(16, '0')}` },
            operationType: 'update',
            ns: { db: 'bench', coll: 'c' },
            documentKey: { _id: doc._id },
            fullDocument: doc,
            updateDescription: { updatedFields: { n: k }, removedFields: [] },
          }
        : {
            _id: { _data: `82${k.toString(16).padStart(16, '0')}` },
            operationType: 'insert',
            ns: { db: 'bench', coll: 'c' },
            documentKey: { _id: doc._id },
            fullDocument: doc,
          };
    });
    let reached = 0;
    const run = (count: number) => {
      for (let k = 0; k < count; k++) {
        const event = events[k % events.length]!;
        const post = normalizeNumbers(event.fullDocument);
        for (const guard of index.candidates(event, post, null)) {
          reached++;
          const out = guard.apply(event);
          if (out) encode(out);
        }
      }
    };
    run(2000); // warm-up
    reached = 0;
    const t0 = process.cpuUsage();
    run(options.events);
    const cpu = process.cpuUsage(t0);
    rows.push({
      subscriptions: n,
      perEventUs: Number(((cpu.user + cpu.system) / options.events).toFixed(2)),
      candidates: Number((reached / options.events).toFixed(2)),
    });
  }
  return rows;
}
