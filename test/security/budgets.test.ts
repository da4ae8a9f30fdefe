import { type AckResult, decode } from '@mongo-live/protocol';
import type { Authorize } from '@mongo-live/server-bridge';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, request, startHarness, type TestSocket, until, watch } from '../bridge/harness.js';

// Per-user budgets: one user's sockets together hold at most maxSubscriptionsPerUser
// subscriptions and run at most maxConcurrentReadsPerUser MongoDB reads at once (more wait, up to
// maxQueuedReadsPerUser, then are refused), on one bridge process; other users are not affected.

let h: Harness;
let db: string;
/** Authorizations of user 'slow' wait here, so the test holds its reads in flight. */
let gate: { promise: Promise<void>; open: () => void };
let slowAuthorizations = 0;
const authorize: Authorize = async (req, socket) => {
  const user = socket.data?.user as string | undefined;
  if (!user || req.db !== db) return false;
  if (user === 'slow') {
    slowAuthorizations += 1;
    await gate.promise;
  }
  return { filter: { owner: user } };
};

beforeAll(async () => {
  h = await startHarness({
    authorize,
    limits: { maxSubscriptionsPerUser: 3, maxConcurrentReadsPerUser: 2, maxQueuedReadsPerUser: 1 },
  });
  db = h.mongo.dbName;
  await h.mongo.db.collection('items').insertMany([
    { _id: 1, owner: 'ann' },
    { _id: 2, owner: 'bob' },
    { _id: 3, owner: 'slow' },
  ] as never);
});
afterAll(() => h?.close());

const as = (user: string) => h.connect({ auth: { user } });
const query = (socket: TestSocket, subId: string) =>
  request(socket, 'query', { v: 1, subId, db, collection: 'items', sort: [['_id', 1]] });
const count = (socket: TestSocket, subId: string) => request(socket, 'count', { v: 1, subId, db, collection: 'items' });
const find = (socket: TestSocket) => request(socket, 'find', { v: 1, db, collection: 'items' });

function refusal(result: AckResult<Document>): string {
  return result.ok ? 'accepted' : `${result.error.code}: ${result.error.message}`;
}

describe('per-user budgets', () => {
  it("counts one user's subscriptions over all its sockets, frees them on unsubscribe and disconnect, leaves others alone", async () => {
    const [a, b, bob] = [await as('ann'), await as('ann'), await as('bob')];
    expect((await query(a, 'q1')).ok).toBe(true);
    await watch(a, 'w1', { db, collection: 'items' });
    expect((await query(b, 'q2')).ok).toBe(true);
    const over = refusal(await count(b, 'c1'));
    expect(over).toMatch(/^LIMIT_EXCEEDED: .*3 subscriptions.*all its sockets.*\(maxSubscriptionsPerUser\)/);
    // Bob has his own budget.
    for (const subId of ['q1', 'q2']) expect((await query(bob, subId)).ok).toBe(true);
    expect((await count(bob, 'c1')).ok).toBe(true);
    // A refused subscription holds nothing; an unsubscribe gives one back.
    await request(a, 'unsubscribe', { v: 1, subId: 'w1' });
    expect((await count(b, 'c1')).ok).toBe(true);
    expect(refusal(await count(b, 'c2'))).toMatch(/maxSubscriptionsPerUser/);
    // A disconnect gives back all of that socket's.
    a.disconnect();
    await until('the socket left', () => h.bridge.stats().sockets === 2);
    expect((await count(b, 'c2')).ok).toBe(true);
    // find is not a subscription: it is still answered at the budget.
    expect(refusal(await find(b))).toBe('accepted');
    for (const s of [b, bob]) s.disconnect();
  });

  it('runs at most maxConcurrentReadsPerUser reads of one user at once, queues maxQueuedReadsPerUser, refuses more', async () => {
    let open!: () => void;
    gate = { promise: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
    slowAuthorizations = 0;
    const [s1, s2, bob] = [await as('slow'), await as('slow'), await as('bob')];
    const acks: Array<Promise<AckResult<Document>>> = [];
    acks.push(find(s1), query(s2, 'q'));
    await until('two reads running', () => slowAuthorizations === 2);
    acks.push(find(s1)); // waits for a turn: not authorized yet
    const refused = await find(s2);
    expect(refusal(refused)).toMatch(
      /^LIMIT_EXCEEDED: this user has 2 MongoDB reads running and 1 waiting .*\(maxConcurrentReadsPerUser, maxQueuedReadsPerUser\)/,
    );
    expect(slowAuthorizations).toBe(2);
    // Another user's reads are not held up.
    const bobs = await find(bob);
    expect(bobs.ok && bobs.data.docs.map((d: Document) => decode<Document>(d)._id)).toEqual([2]);
    gate.open();
    const results = await Promise.all(acks);
    expect(results.map(refusal)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(slowAuthorizations).toBe(3);
    // Turns were given back: the budget is whole again.
    const again = await Promise.all([find(s1), find(s2), find(s1)]);
    expect(again.map(refusal)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const s of [s1, s2, bob]) s.disconnect();
  });
});
