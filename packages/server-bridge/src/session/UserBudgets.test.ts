import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { defaultUserOf, SubscriptionTable, UserBudgets } from './UserBudgets.js';

const socket = (data: unknown) => ({ data }) as unknown as Socket;
const limits = { maxSubscriptionsPerUser: 2, maxConcurrentReadsPerUser: 2, maxQueuedReadsPerUser: 1 };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof BridgeError ? error.code : 'other';
  }
  return undefined;
}

/** A promise and its resolver: a read the test finishes when it wants. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('defaultUserOf', () => {
  it('reads socket.data.userId, else socket.data.user, when a string or a number', () => {
    expect(defaultUserOf(socket({ userId: 'u1', user: 'x' }))).toBe('u1');
    expect(defaultUserOf(socket({ user: 'ann' }))).toBe('ann');
    expect(defaultUserOf(socket({ userId: 42 }))).toBe('42');
    for (const data of [undefined, {}, { user: { id: 1 } }, { user: '' }, { userId: Number.NaN }])
      expect(defaultUserOf(socket(data))).toBeUndefined();
  });
});

describe('UserBudgets', () => {
  it("counts one user's subscriptions over all its sockets; another user and anonymous sockets have their own", () => {
    const budgets = new UserBudgets(limits);
    const a1 = new SubscriptionTable<number>(budgets.attach(socket({ user: 'ann' })));
    const a2 = new SubscriptionTable<number>(budgets.attach(socket({ user: 'ann' })));
    const bob = new SubscriptionTable<number>(budgets.attach(socket({ user: 'bob' })));
    a1.set('s1', 1);
    a1.set('s1', 2); // the same subscription, updated: not counted twice
    a2.set('s2', 1);
    expect(codeOf(() => a2.set('s3', 1))).toBe('LIMIT_EXCEEDED');
    expect(a2.has('s3')).toBe(false);
    bob.set('s1', 1);
    bob.set('s2', 1);
    const anon1 = new SubscriptionTable<number>(budgets.attach(socket({})));
    const anon2 = new SubscriptionTable<number>(budgets.attach(socket({})));
    anon1.set('a', 1);
    anon1.set('b', 1);
    anon2.set('a', 1);
    a1.delete('s1');
    a2.set('s3', 1);
    a2.clear();
    a2.set('x', 1);
    a2.set('y', 1);
    expect(codeOf(() => a2.set('z', 1))).toBe('LIMIT_EXCEEDED');
  });

  it('names the limit, and forgets a user once its last socket is gone', () => {
    const budgets = new UserBudgets(limits);
    const budget = budgets.attach(socket({ user: 'ann' }));
    budget.reserveSubscription();
    budget.reserveSubscription();
    expect(() => budget.reserveSubscription()).toThrow(/maxSubscriptionsPerUser/);
    const second = budgets.attach(socket({ user: 'ann' }));
    expect(second).toBe(budget);
    budgets.detach(budget);
    expect(budgets.users).toBe(1);
    budgets.detach(second);
    expect(budgets.users).toBe(0);
  });

  it('runs at most maxConcurrentReadsPerUser reads, queues up to maxQueuedReadsPerUser in order, refuses more', async () => {
    const budget = new UserBudgets(limits).attach(socket({ user: 'ann' }));
    const order: string[] = [];
    const gates = [gate(), gate(), gate()];
    const reads = gates.map((g, i) =>
      budget.read(async () => {
        order.push(`start ${i}`);
        await g.promise;
        return i;
      }),
    );
    const refused = budget.read(async () => 'never');
    await expect(refused).rejects.toThrow(/maxConcurrentReadsPerUser, maxQueuedReadsPerUser/);
    await Promise.resolve();
    expect(order).toEqual(['start 0', 'start 1']);
    expect(budget.reads).toBe(2);
    gates[1]!.open();
    expect(await reads[1]).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['start 0', 'start 1', 'start 2']);
    gates[0]!.open();
    gates[2]!.open();
    expect(await Promise.all(reads)).toEqual([0, 1, 2]);
    expect(budget.reads).toBe(0);
    // A failing read gives its turn back too.
    await expect(budget.read(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(budget.reads).toBe(0);
  });

  it('with the defaults, a user can request every subscription it may hold at once (a reconnect)', async () => {
    const budget = new UserBudgets(DEFAULT_LIMITS).attach(socket({ user: 'ann' }));
    const held = gate();
    const reads = Array.from({ length: DEFAULT_LIMITS.maxSubscriptionsPerUser }, () => budget.read(() => held.promise));
    expect(budget.reads).toBe(DEFAULT_LIMITS.maxConcurrentReadsPerUser);
    held.open();
    await expect(Promise.all(reads)).resolves.toHaveLength(DEFAULT_LIMITS.maxSubscriptionsPerUser);
  });

  it('budgets a socket whose userOf throws or returns nothing on its own', () => {
    const budgets = new UserBudgets({ ...DEFAULT_LIMITS, maxSubscriptionsPerUser: 1 }, () => {
      throw new Error('no session');
    });
    const one = budgets.attach(socket({ user: 'ann' }));
    const two = budgets.attach(socket({ user: 'ann' }));
    expect(one).not.toBe(two);
    one.reserveSubscription();
    two.reserveSubscription();
    expect(budgets.users).toBe(0);
  });
});
