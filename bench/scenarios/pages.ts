import { type EJSONDocument, encode, type LiveQueryDiff } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import { applyDiffs, listOf } from '../../packages/client/src/live-query/DocList.js';
import { normalizeNumbers } from '../../packages/server-bridge/src/live-query/normalize.js';
import { QueryIndex } from '../../packages/server-bridge/src/live-query/QueryIndex.js';
import { SharedLiveCount } from '../../packages/server-bridge/src/live-query/SharedLiveCount.js';
import { SharedLivePages } from '../../packages/server-bridge/src/live-query/SharedLivePages.js';
import { valueKey } from '../../packages/server-bridge/src/live-query/valueKey.js';

export interface PagesBenchRow {
  case: string;
  /** Bridge CPU per write (µs): dispatch + evaluation + diffs, what one change event costs. */
  usPerWrite: number;
  /** The floor: the same loop with no live view (the event's normalization only). */
  floorUs: number;
}

/** Median µs per call over 7 batches (the machine may be busy). */
function time(runs: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(runs, 200); i++) fn(i);
  const batches: number[] = [];
  for (let b = 0; b < 7; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < runs; i++) fn(b * runs + i);
    const used = process.cpuUsage(start);
    batches.push((used.user + used.system) / runs);
  }
  batches.sort((x, y) => x - y);
  return Number((batches[3] as number).toFixed(2));
}

const none = { entered() {}, left() {} };
const sink = { emitPages() {}, emitCount() {}, emitError() {} };

/**
 * In-process cost of one write on the bridge for live pages with 1, 10 and 100 loaded pages of 50
 * (a write that moves a document within the loaded range: its sort key changes), for 1,000 live
 * counts on one collection (distinct per-user filters, dispatched by the equality index), and the
 * client's apply time of one page diff.
 */
export function measurePages(options: { runs: number }): { rows: PagesBenchRow[]; clientUsPerDiff: number } {
  const rows: PagesBenchRow[] = [];
  const floorUs = time(options.runs, (i) => normalizeNumbers({ _id: i % 5000, n: (i * 7919) % 5000 }));
  for (const pageCount of [1, 10, 100]) {
    const total = pageCount * 50;
    const pages = new SharedLivePages(
      'p:bench',
      { db: 'b', collection: 'c', filter: {}, sort: [['n', 1]] },
      { pageSize: 50, pageCount, maxDocs: 1_000_000 },
      sink,
      none,
      () => undefined,
    );
    // Loaded range: n = 0, 2, ..., 2(total-1); one more document after it, as a read finds it.
    pages.load(Array.from({ length: total + 1 }, (_, n) => ({ _id: n, n: n * 2 })));
    // A new place on every write (modulo total - 1, coprime with total: a document's target moves
    // on each pass; modulo total it would return to the same place, a no-op, from the second pass).
    const rowsOfPages = (i: number): Document => ({ _id: i % total, n: ((i * 7919) % (total - 1)) * 2 + 1 });
    const usPerWrite = time(options.runs, (i) => {
      const doc = rowsOfPages(i);
      const normalized = normalizeNumbers(doc);
      pages.publish(pages.apply(valueKey(doc._id), doc, normalized).diffs);
    });
    rows.push({ case: `live pages, ${pageCount} loaded page(s) of 50`, usPerWrite, floorUs });
  }
  // 1,000 live counts, one per user, on one collection: a write is dispatched to the one it concerns.
  const index = new QueryIndex<SharedLiveCount>();
  for (let u = 0; u < 1000; u++) {
    const count = new SharedLiveCount(
      `c:${u}`,
      { userId: `u${u}` },
      sink,
      { entered: (id) => index.docEntered(id, count), left: (id) => index.docLeft(id, count) },
      100_000,
    );
    count.load([]);
    index.add(count, count.predicate);
  }
  const countsUs = time(options.runs, (i) => {
    const doc = { _id: i % 20_000, userId: `u${(i * 31) % 1000}`, total: i };
    const normalized = normalizeNumbers(doc);
    const id = valueKey(doc._id);
    for (const count of index.candidates(id, normalized)) count.publish(count.apply(id, doc, normalized).diffs);
  });
  rows.push({ case: '1,000 live counts on one collection', usPerWrite: countsUs, floorUs });
  // Client: one page diff (a changed document) into a 50-document page.
  let page = listOf(Array.from({ length: 50 }, (_, i) => ({ _id: i, name: `p${i}`, n: i })));
  const clientUsPerDiff = time(options.runs, (i) => {
    const index = i % 50;
    const diff: LiveQueryDiff = {
      op: 'changed',
      index,
      doc: encode({ _id: index, name: `p${index}`, n: i }) as EJSONDocument,
    };
    page = applyDiffs(page, [diff]);
  });
  return { rows, clientUsPerDiff };
}
