import type { Authorize } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Recorder, startHarness, until, watch } from '../bridge/harness.js';

// What restricted streams remember having shown (to tell deletes without pre-images only to a
// stream that showed the document) is bounded over the whole process by `maxShownDocuments`:
// one user opening many distinct restricted streams cannot grow the bridge's memory without bound.

let h: Harness;
let db: string;
const LIMIT = 12;
const authorize: Authorize = (req, socket) =>
  req.db === db ? { filter: { owner: socket.data?.user as string } } : false;

beforeAll(async () => {
  h = await startHarness({ authorize, limits: { maxShownDocuments: LIMIT, feedLingerMs: 200 } });
  db = h.mongo.dbName;
});
afterAll(() => h?.close());

describe('maxShownDocuments', () => {
  it('holds over many distinct restricted streams, and is given back when they end', async () => {
    const c = h.mongo.db.collection('shown_budget');
    const socket = await h.connect({ auth: { user: 'ann' } });
    const rec = new Recorder(socket);
    // Six distinct pipelines: six watch groups, each restricted by ann's row filter.
    const streams: string[] = [];
    for (let i = 0; i < 6; i++)
      streams.push(
        (
          await watch(
            socket,
            `w${i}`,
            { db, collection: 'shown_budget' },
            { pipeline: [{ $addFields: { stream: i } }] },
          )
        ).streamId,
      );
    expect(h.bridge.stats().watchGroups).toBe(6);
    const docs = Array.from({ length: 20 }, (_, n) => ({ _id: `d${n}`, owner: 'ann', n }));
    await c.insertMany(docs as never[]);
    await until('every stream got every insert', () => streams.every((s) => rec.events(s).length === 20));
    const stats = h.bridge.stats();
    expect(stats.shownDocuments).toBeGreaterThan(0);
    expect(stats.shownDocuments).toBeLessThanOrEqual(LIMIT); // 6 streams × 20 shown, 12 remembered
    // The most recently shown are kept: their deletes still reach every stream.
    await c.deleteOne({ _id: 'd19' } as Document);
    await until('the delete of a recent document', () =>
      streams.every((s) => rec.events(s).some((e) => e.operationType === 'delete')),
    );
    socket.disconnect();
    await until('the groups ended and their lingering memory was released', () => {
      const now = h.bridge.stats();
      return now.watchGroups === 0 && now.shownDocuments === 0;
    });
  });
});
