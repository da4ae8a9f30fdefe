// Quick figures for the live-query hot paths, without a database:
//   npm run bench -- --only=engine   (or: npx tsx bench/scenarios/engineMicrobench.ts)
// In-process: the engine and the client store without a database or sockets.

import { type EJSONDocument, encode, type LiveQueryDiff } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import { applyDiffs, listOf } from '../../packages/client/src/live-query/DocList.js';
import { equalityPredicateOf } from '../../packages/server-bridge/src/live-query/equality.js';
import { LiveQueryEngine } from '../../packages/server-bridge/src/live-query/LiveQueryEngine.js';
import { normalizeNumbers } from '../../packages/server-bridge/src/live-query/normalize.js';
import { QueryIndex } from '../../packages/server-bridge/src/live-query/QueryIndex.js';
import { valueKey } from '../../packages/server-bridge/src/live-query/valueKey.js';

/** Median over 7 batches of `runs` calls (the machine may be busy with other work). */
function time(label: string, runs: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(runs, 200); i++) fn(i); // warm up
  const batches: number[] = [];
  for (let b = 0; b < 7; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) fn(b * runs + i);
    batches.push(Number(process.hrtime.bigint() - start) / 1000 / runs);
  }
  batches.sort((x, y) => x - y);
  const median = batches[3] as number;
  console.log(`${label}: ${median.toFixed(2)} µs/op (median of 7 x ${runs}; min ${(batches[0] as number).toFixed(2)})`);
}

// Client: apply one update (a price change that moves a document) to a 10,000-document sorted result.
const N = 10_000;
let list = listOf(Array.from({ length: N }, (_, i) => ({ _id: i, name: `p${i}`, price: i })));
time('client: apply a move diff into a 10k result', 1000, (i) => {
  const from = (i * 7919) % N;
  const to = (i * 104729) % (N - 1);
  const doc = encode({ _id: i, name: `p${i}`, price: i + 0.5 }) as EJSONDocument;
  const diffs: LiveQueryDiff[] = [{ op: 'moved', from, to, doc }];
  list = applyDiffs(list, diffs);
});
time('client: apply a changed diff into a 10k result', 1000, (i) => {
  const doc = encode({ _id: i, name: `q${i}`, price: i }) as EJSONDocument;
  list = applyDiffs(list, [{ op: 'changed', index: i % N, doc }]);
});

// Server: 10,000 live queries `{ userId: k }` (sorted, limited) on one collection; one write.
const index = new QueryIndex<LiveQueryEngine>();
const engines: LiveQueryEngine[] = [];
for (let k = 0; k < 10_000; k++) {
  const engine = new LiveQueryEngine(
    { db: 'd', collection: 'c', filter: { userId: k }, sort: [['at', -1]], limit: 20 },
    { entered: (id) => index.docEntered(id, engine), left: (id) => index.docLeft(id, engine) },
  );
  engine.load([{ _id: `seed${k}`, userId: k, at: 0 }]);
  index.add(engine, equalityPredicateOf({ userId: k }));
  engines.push(engine);
}
time('server: dispatch + apply one write among 10,000 equality queries', 3000, (i) => {
  const doc: Document = { _id: `w${i % 500}`, userId: i % 10_000, at: i };
  const normalized = normalizeNumbers(doc);
  const id = valueKey(doc._id);
  for (const q of index.candidates(id, normalized)) q.apply(id, doc, normalized);
});
