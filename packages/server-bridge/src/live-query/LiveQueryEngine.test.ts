import type { EJSONDocument, LiveQueryDiff } from '@mongo-live/protocol';
import { Long } from 'bson';
import fc from 'fast-check';
import { Query } from 'mingo';
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { EffectiveQuery } from '../access/effectiveQuery.js';
import { LiveQueryEngine } from './LiveQueryEngine.js';
import { normalizeNumbers } from './normalize.js';
import { SortOrder } from './SortOrder.js';
import { valueKey } from './valueKey.js';

/** A client's list: what applying the diffs in order yields. */
function applyDiffs(list: EJSONDocument[], diffs: LiveQueryDiff[]): EJSONDocument[] {
  const out = list.slice();
  for (const d of diffs) {
    if (d.op === 'added') out.splice(d.index, 0, d.doc);
    else if (d.op === 'removed') out.splice(d.index, 1);
    else if (d.op === 'changed') out[d.index] = d.doc;
    else if (d.op === 'moved') {
      const [doc] = out.splice(d.from, 1);
      out.splice(d.to, 0, d.doc ?? (doc as EJSONDocument));
    } else return d.docs.slice();
  }
  return out;
}

/** The "database": a fresh find with the same semantics, computed independently of the engine. */
function find(db: Map<string, Document>, q: EffectiveQuery, window = false): Document[] {
  const order = new SortOrder(q.sort);
  const matcher = new Query(normalizeNumbers(q.filter));
  const all = [...db.values()].filter((d) => matcher.test(normalizeNumbers(d)));
  all.sort((a, b) => order.compare(order.keysOf(a), order.keysOf(b)));
  const skip = q.skip ?? 0;
  const end = q.limit ? skip + q.limit : undefined;
  return window ? all.slice(0, end) : all.slice(skip, end);
}

function run(
  q: EffectiveQuery,
  initial: Document[],
  ops: Array<{ id: number; doc: Document | null }>,
  { keyPrefix = false } = {},
) {
  const db = new Map(initial.map((d) => [valueKey(d._id), d]));
  const engine = new LiveQueryEngine(q);
  /** A database read; with `keyPrefix`, the skipped documents as their keys only, as readWindow reads them. */
  const read = (): [Document[], number] => {
    const docs = find(db, q, true);
    const prefix = keyPrefix ? engine.keyPrefix : undefined;
    if (!prefix) return [docs, 0];
    const keyOnly = Math.min(prefix.count, docs.length);
    const keysOf = (d: Document) => Object.fromEntries(Object.keys(prefix.projection).map((f) => [f, d[f]]));
    return [docs.map((d, i) => (i < keyOnly ? keysOf(d) : d)), keyOnly];
  };
  engine.load(...read());
  let client = engine.visible();
  let refills = 0;
  for (const op of ops) {
    const id = valueKey(op.id);
    if (op.doc) db.set(id, op.doc);
    else db.delete(id);
    const { diffs, refill } = engine.apply(id, op.doc, op.doc && normalizeNumbers(op.doc));
    client = applyDiffs(client, diffs);
    if (refill) {
      refills++;
      client = applyDiffs(client, engine.refresh(...read()));
    }
    expect(client).toEqual(engine.visible());
  }
  return {
    client,
    expected: find(db, q).map((d) => engine.visible().find((v) => v._id === d._id) ?? d),
    refills,
    engine,
    db,
  };
}

describe('LiveQueryEngine', () => {
  const q = (extra: Partial<EffectiveQuery>): EffectiveQuery => ({ db: 'd', collection: 'c', filter: {}, ...extra });

  it('inserts, moves and removes in sort order', () => {
    const query = q({ filter: { kind: 'a' }, sort: [['n', 1]] });
    const engine = new LiveQueryEngine(query);
    engine.load([
      { _id: 1, kind: 'a', n: 1 },
      { _id: 2, kind: 'a', n: 5 },
    ]);
    expect(engine.apply(valueKey(3), { _id: 3, kind: 'a', n: 3 }, { _id: 3, kind: 'a', n: 3 }).diffs).toEqual([
      { op: 'added', index: 1, doc: { _id: { $numberInt: '3' }, kind: 'a', n: { $numberInt: '3' } } },
    ]);
    expect(engine.apply(valueKey(1), { _id: 1, kind: 'a', n: 9 }, { _id: 1, kind: 'a', n: 9 }).diffs).toEqual([
      { op: 'moved', from: 0, to: 2, doc: { _id: { $numberInt: '1' }, kind: 'a', n: { $numberInt: '9' } } },
    ]);
    expect(engine.apply(valueKey(2), { _id: 2, kind: 'b', n: 5 }, { _id: 2, kind: 'b', n: 5 }).diffs).toEqual([
      { op: 'removed', index: 1 },
    ]);
  });

  it('asks for a refill when a member leaves a full limited window, and sends only the index', () => {
    const query = q({ sort: [['n', -1]], limit: 2, projection: { secret: 0 } });
    const initial = [1, 2, 3].map((n) => ({ _id: n, n, secret: 's' }));
    const { refills, client } = run(query, initial, [{ id: 3, doc: null }]);
    expect(refills).toBe(1);
    expect(client.map((d) => d._id)).toEqual([{ $numberInt: '2' }, { $numberInt: '1' }]);
    const engine = new LiveQueryEngine(query);
    engine.load(initial.slice(1).reverse());
    const { diffs } = engine.apply(valueKey(3), { _id: 3, n: 0, secret: 'x' }, { _id: 3, n: 0, secret: 'x' });
    expect(JSON.stringify(diffs)).not.toContain('secret');
  });

  it('sends nothing when only hidden fields change', () => {
    const engine = new LiveQueryEngine(q({ projection: { name: 1 } }));
    engine.load([{ _id: 1, name: 'a', hidden: 1 }]);
    expect(engine.apply(valueKey(1), { _id: 1, name: 'a', hidden: 2 }, { _id: 1, name: 'a', hidden: 2 }).diffs).toEqual(
      [],
    );
  });

  it('sorts Long values by value', () => {
    const engine = new LiveQueryEngine(q({ sort: [['n', 1]] }));
    const big = Long.fromString('9007199254740993');
    engine.load([
      { _id: 1, n: Long.fromString('9007199254740995') },
      { _id: 2, n: big },
    ]);
    expect(engine.visible().map((d) => d._id)).toEqual([{ $numberInt: '2' }, { $numberInt: '1' }]);
  });

  it.each([
    ['the skipped prefix read whole', false],
    ['the skipped prefix read as keys (skip passed to MongoDB)', true],
  ])('converges with any filter, sort, skip and limit (model check): %s', (_name, keyPrefix) => {
    const doc = fc.record({ kind: fc.constantFrom('a', 'b', 'c'), n: fc.integer({ min: 0, max: 6 }) });
    const op = fc.record({ id: fc.integer({ min: 0, max: 12 }), doc: fc.option(doc, { freq: 4 }) });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), doc), { maxLength: 12 }),
        fc.array(op, { maxLength: 40 }),
        fc.constantFrom<Document>({}, { kind: 'a' }, { n: { $gte: 3 } }, { kind: { $in: ['a', 'b'] } }),
        fc.constantFrom<Array<[string, 1 | -1]>>(
          [],
          [['n', 1]],
          [['n', -1]],
          [
            ['kind', 1],
            ['n', -1],
          ],
        ),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 4 }),
        (initial, ops, filter, sort, skip, limit) => {
          const query = q({ filter, sort, skip, limit, projection: { n: 1 } });
          const docs = new Map(initial.map(([id, d]) => [id, { _id: id, ...d }]));
          const { client, db } = run(
            query,
            [...docs.values()],
            ops.map((o) => ({ id: o.id, doc: o.doc ? { _id: o.id, ...o.doc } : null })),
            { keyPrefix },
          );
          const expected = find(db, query).map((d) => ({
            _id: { $numberInt: String(d._id) },
            n: { $numberInt: String(d.n) },
          }));
          expect(client).toEqual(expected);
        },
      ),
      { numRuns: 400, seed: 6 },
    );
  });
});
