import type { Socket } from 'socket.io';
import { BridgeError } from '../errors.js';
import type { BridgeLimits } from '../limits.js';

/**
 * Who a socket belongs to, for the per-user budgets; `undefined`: an anonymous socket, budgeted on
 * its own. Called once per connection, after the namespace's middlewares (`io.use`) ran.
 *
 * @example
 * const userOf: UserOf = (socket) => socket.data.session?.userId;
 */
export type UserOf = (socket: Socket) => string | undefined;

/**
 * The default {@link UserOf}: `socket.data.userId`, else `socket.data.user`, when it is a string or
 * a finite number (what an `io.use` middleware that verified a session usually sets). Anything
 * else makes the socket anonymous: its own budget, as if each socket were a user.
 *
 * @example
 * defaultUserOf(socket) // 'ann' after io.use set socket.data.user = 'ann'
 */
export const defaultUserOf: UserOf = (socket) => {
  const data = socket.data as { userId?: unknown; user?: unknown } | undefined;
  const value = data?.userId ?? data?.user;
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

type BudgetLimits = Pick<
  BridgeLimits,
  'maxSubscriptionsPerUser' | 'maxConcurrentReadsPerUser' | 'maxQueuedReadsPerUser'
>;

/**
 * One user's share of one bridge process, over all its sockets: subscriptions held (pending or
 * open) and MongoDB reads (finds, snapshots of live queries, counts and pages, watch catch-ups)
 * running at once. Reads beyond `maxConcurrentReadsPerUser` wait their turn, in order; beyond
 * `maxQueuedReadsPerUser` waiting, they are refused with LIMIT_EXCEEDED. So one user cannot take
 * the MongoDB connection pool or the bridge's memory from the others.
 *
 * @example
 * const budget = budgets.attach(socket);
 * budget.reserveSubscription();
 * const docs = await budget.read(() => coll.find(filter).toArray());
 */
export class UserBudget {
  private subscriptionCount = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Sockets attached to this budget; the registry forgets it at 0. */
  sockets = 0;

  constructor(
    readonly user: string | undefined,
    private readonly limits: BudgetLimits,
  ) {}

  get subscriptions(): number {
    return this.subscriptionCount;
  }

  /** Reads running now (not counting those waiting). */
  get reads(): number {
    return this.running;
  }

  /** Counts one more subscription, or throws LIMIT_EXCEEDED at `maxSubscriptionsPerUser`. */
  reserveSubscription(): void {
    const max = this.limits.maxSubscriptionsPerUser;
    if (this.subscriptionCount >= max)
      throw new BridgeError(
        'LIMIT_EXCEEDED',
        `${this.who} holds ${max} subscriptions already, over all its sockets on this bridge process (maxSubscriptionsPerUser)`,
      );
    this.subscriptionCount += 1;
  }

  releaseSubscription(): void {
    if (this.subscriptionCount > 0) this.subscriptionCount -= 1;
  }

  /** Runs one MongoDB read within the user's concurrency budget (waiting for a turn if needed). */
  async read<T>(run: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.maxConcurrentReadsPerUser) {
      if (this.waiting.length >= this.limits.maxQueuedReadsPerUser)
        throw new BridgeError(
          'LIMIT_EXCEEDED',
          `${this.who} has ${this.running} MongoDB reads running and ${this.waiting.length} waiting on this bridge process (maxConcurrentReadsPerUser, maxQueuedReadsPerUser): retry when they finish`,
        );
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running += 1;
    try {
      return await run();
    } finally {
      const next = this.waiting.shift();
      // The turn passes to the next waiter directly: `running` stays as it is.
      if (next) next();
      else this.running -= 1;
    }
  }

  private get who(): string {
    return this.user === undefined ? 'this socket' : 'this user';
  }
}

/**
 * The per-user budgets of one bridge process, by {@link UserOf}. Budgets are per process: with N
 * bridge processes behind a load balancer, a user may hold up to N times each budget.
 *
 * @example
 * const budgets = new UserBudgets(limits, defaultUserOf);
 * const budget = budgets.attach(socket); // on connection
 * budgets.detach(budget);                // on disconnect
 */
export class UserBudgets {
  private readonly byUser = new Map<string, UserBudget>();

  constructor(
    private readonly limits: BudgetLimits,
    private readonly userOf: UserOf = defaultUserOf,
  ) {}

  /** Users with at least one socket (anonymous sockets not counted). */
  get users(): number {
    return this.byUser.size;
  }

  /** The budget of a newly connected socket: its user's, or its own when it has none. */
  attach(socket: Socket): UserBudget {
    let user: string | undefined;
    try {
      user = this.userOf(socket);
    } catch {
      user = undefined;
    }
    if (typeof user !== 'string' || user.length === 0) {
      const own = new UserBudget(undefined, this.limits);
      own.sockets = 1;
      return own;
    }
    let budget = this.byUser.get(user);
    if (!budget) {
      budget = new UserBudget(user, this.limits);
      this.byUser.set(user, budget);
    }
    budget.sockets += 1;
    return budget;
  }

  /** A socket of this budget is gone (its subscriptions were released first). */
  detach(budget: UserBudget): void {
    budget.sockets -= 1;
    if (budget.sockets <= 0 && budget.user !== undefined && this.byUser.get(budget.user) === budget)
      this.byUser.delete(budget.user);
  }
}

/**
 * A socket's subscriptions by subId, counted against its {@link UserBudget}: adding a new subId
 * reserves one of the user's subscriptions (throwing LIMIT_EXCEEDED over the budget), removing it
 * gives it back, whichever way the subscription ends.
 *
 * @example
 * const subs = new SubscriptionTable<Entry>(budget);
 * subs.set('sub-1', entry); // may throw LIMIT_EXCEEDED (maxSubscriptionsPerUser)
 */
export class SubscriptionTable<V> extends Map<string, V> {
  constructor(private readonly budget: UserBudget) {
    super();
  }

  override set(key: string, value: V): this {
    if (!this.has(key)) this.budget.reserveSubscription();
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.budget.releaseSubscription();
    return had;
  }

  override clear(): void {
    for (const key of [...this.keys()]) this.delete(key);
  }
}
