import type { Document } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServerCursor } from '../cursors/ServerCursor.js';
import { OplogFixture } from './OplogFixture.js';
import { openChangeStream } from './openChangeStream.js';

type Write = { kind: 'insert' | 'update' | 'delete'; coll: 'a' | 'b'; id: number };

const writes = fc.array(
  fc.record({
    kind: fc.constantFrom<Write['kind']>('insert', 'update', 'delete'),
    coll: fc.constantFrom<Write['coll']>('a', 'b'),
    id: fc.integer({ min: 0, max: 3 }),
  }),
  { maxLength: 40 },
);

/** Applies the writes that make sense for the current state (no duplicate inserts, no updates of nothing). */
function apply(fx: OplogFixture, live: Set<string>, write: Write): void {
  const key = `${write.coll}/${write.id}`;
  if (write.kind === 'insert' && !live.has(key)) {
    fx.insert('d', write.coll, { _id: write.id, n: 0 });
    live.add(key);
  } else if (write.kind === 'update' && live.has(key)) {
    fx.update('d', write.coll, write.id, { $inc: { n: 1 } });
  } else if (write.kind === 'delete' && live.has(key)) {
    fx.delete('d', write.coll, write.id);
    live.delete(key);
  }
}

const tokenOf = (e: Document) => e._id._data as string;

describe('resuming never loses or repeats events', () => {
  it('reading in random batches, reopening from postBatchResumeToken at random points, equals one full read', async () => {
    await fc.assert(
      fc.asyncProperty(
        writes,
        fc.array(fc.record({ batchSize: fc.integer({ min: 1, max: 5 }), reopen: fc.boolean() }), { minLength: 1 }),
        fc.constantFrom<string | undefined>('a', undefined),
        async (ops, reads, coll) => {
          const fx = new OplogFixture();
          const live = new Set<string>();
          const request = (options: Document) => ({ db: 'd', coll, pipeline: [{ $changeStream: options }] });
          const reference = openChangeStream(fx.context(), request({}));
          let cursor: ServerCursor = openChangeStream(fx.context(), request({}));
          const half = Math.floor(ops.length / 2);
          for (const op of ops.slice(0, half)) apply(fx, live, op);
          const seen: Document[] = [];
          let token: Document | undefined;
          const readOnce = async (batchSize: number, reopen: boolean) => {
            if (reopen && token) cursor = openChangeStream(fx.context(), request({ resumeAfter: token }));
            const batch = await cursor.getMore({ batchSize, maxTimeMS: 0 });
            seen.push(...batch.docs);
            token = batch.postBatchResumeToken;
          };
          for (const read of reads) await readOnce(read.batchSize, read.reopen);
          for (const op of ops.slice(half)) apply(fx, live, op);
          // Drain whatever is left, still reopening now and then.
          for (let i = 0; ; i++) {
            const before = seen.length;
            await readOnce(3, i % 2 === 0);
            if (seen.length === before) break;
          }
          const all = (await reference.getMore({ maxTimeMS: 0 })).docs;
          expect(seen.map(tokenOf)).toEqual(all.map(tokenOf));
          expect(new Set(seen.map(tokenOf)).size).toBe(seen.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
