import { randomUUID } from 'node:crypto';
import type { ChangeBatch, EJSONDocument, ServerToClientEvents, WireError } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import type { ChangeEventGuard } from '../access/ChangeEventGuard.js';
import { encode } from '../driverBson.js';
import { toWireError } from '../errors.js';
import type { Outbox } from '../session/Outbox.js';
import type { ChangeFeed, FeedConsumer } from './ChangeFeed.js';
import { type PositionKey, type StartPoint, startKey, tokenKey } from './position.js';
import { WatchMember } from './WatchMember.js';

/** What a group needs from the bridge. */
export interface WatchGroupHost {
  outbox: Outbox;
  /** The bridge ended a subscription by itself: its session must forget it. */
  subscriptionEnded(socketId: string, subId: string): void;
  /** The group has no member left, or ended; `linger` when its members may come back soon. */
  released(group: WatchGroup, linger: boolean): void;
}

/** One evaluated event the group sent, kept so members joining late are served without re-evaluating. */
interface SentEvent {
  key: PositionKey;
  out: EJSONDocument;
}

/** Recent outputs a group keeps for members that join or resume. */
const RECENT_OUTPUTS = 512;

/**
 * Every watch subscription with one spec (scope, access decision, client pipeline, output
 * options) on one {@link ChangeFeed}: the spec's guard and pipeline run once per event for all of
 * them, the result is encoded once and sent to the group's socket.io room. Members that join or
 * resume get what they are owed from the group's recent outputs or the feed's replay buffer (or a
 * catch-up stream), then join the room, at the exact event.
 *
 * @example
 * const group = new WatchGroup(key, feed, guard, host);
 * const { streamId, resumeToken } = await group.join(socket, 'sub-1', undefined);
 */
export class WatchGroup implements FeedConsumer {
  readonly id = randomUUID();
  readonly room = `mongo-live:stream:${this.id}`;
  private readonly members = new Map<string, WatchMember>();
  /** Live members per socket: a socket leaves the room with its last one (O(1) per leave, not O(members)). */
  private readonly liveBySocket = new Map<string, number>();
  private recent: SentEvent[] = [];
  private recentBase: PositionKey | undefined;
  private lastSent: unknown;
  private over = false;

  constructor(
    readonly key: string,
    readonly feed: ChangeFeed,
    private readonly guard: ChangeEventGuard,
    private readonly host: WatchGroupHost,
  ) {}

  get size(): number {
    return this.members.size;
  }

  /** Starts receiving from the feed; outputs are complete from the feed's position on. */
  attached(): void {
    this.recentBase = tokenKey(this.feed.position);
  }

  /**
   * Adds a subscription: without `start` it receives every event after the feed's position (its
   * ack token); with one, every event after that point. Deliveries wait for the ack (the caller
   * sends it right after this resolves).
   */
  async join(socketId: string, subId: string, start: StartPoint | undefined) {
    const position = this.feed.position;
    const key = start ? startKey(start) : tokenKey(position);
    const member = new WatchMember(this, socketId, subId, key ?? '', start);
    this.members.set(member.id, member);
    try {
      if (start) await this.feed.resume(member, start);
      else member.handover(member.key);
    } catch (error) {
      this.members.delete(member.id);
      if (this.members.size === 0) this.host.released(this, false);
      throw error;
    }
    if (member.cancelled || this.over)
      throw toWireErrorObject('the stream ended before the subscription was acknowledged');
    setImmediate(() => member.acknowledged());
    const accepted: { streamId: string; resumeToken?: EJSONDocument } = { streamId: this.id };
    // The ack's token is where the subscriber stands: the feed's position, or its own token. A
    // subscriber starting at a cluster time has no token yet (events at that time are still owed).
    const token = start ? ('token' in start ? start.token : undefined) : position;
    if (token != null) accepted.resumeToken = encode(token) as EJSONDocument;
    return accepted;
  }

  leave(socketId: string, subId: string, linger: boolean): void {
    const member = this.members.get(`${socketId}:${subId}`);
    if (!member) return;
    this.remove(member, linger);
  }

  /** Feed events that may concern this group. */
  deliver(events: Document[], token: unknown): void {
    const outs: EJSONDocument[] = [];
    for (const event of events) {
      const out = this.evaluate(event);
      if (out) {
        outs.push(out);
        this.remember(tokenKey(event._id), out);
      }
    }
    if (outs.length > 0) this.broadcast(outs, token);
  }

  advanced(token: unknown): void {
    if (token !== this.lastSent) this.broadcast([], token);
  }

  ended(error: WireError): void {
    if (this.over) return;
    this.over = true;
    this.host.outbox.toRoom(this.room, 'stream:error', { streamId: this.id, error });
    for (const member of [...this.members.values()]) {
      if (!member.live) member.send('stream:error', { streamId: this.id, error });
      this.members.delete(member.id);
      member.cancel();
      this.leaveRoom(member);
      this.host.subscriptionEnded(member.socketId, member.subId);
    }
    this.host.released(this, true);
  }

  /** The events after `key` this group owes a member, evaluated; undefined when the feed no longer holds them. */
  owedAfter(key: PositionKey): EJSONDocument[] | undefined {
    if (this.recentBase !== undefined && key >= this.recentBase)
      return this.recent.filter((e) => e.key > key).map((e) => e.out);
    const raw = this.feed.replay(key);
    if (!raw) return undefined;
    return this.evaluateAll(raw);
  }

  /** Evaluates events for one member (catch-up); throws end the whole group. */
  evaluateAll(events: Document[]): EJSONDocument[] {
    const outs: EJSONDocument[] = [];
    try {
      for (const event of events) {
        const out = this.evaluate(event);
        if (out) outs.push(out);
      }
    } catch (error) {
      this.ended(toWireError(error));
    }
    return outs;
  }

  /** Puts a member in the room after sending it what it is owed after `key`. */
  admit(member: WatchMember, key: PositionKey): void {
    if (member.cancelled || this.over) return;
    const owed = this.owedAfter(key);
    if (!owed) {
      // The buffer moved past the member meanwhile: catch it up from where it is.
      void this.feed
        .resume(member, member.startPoint())
        .catch((error) => this.memberFailed(member, toWireError(error)));
      return;
    }
    const position = this.feed.position;
    const positionKey = tokenKey(position);
    if (owed.length > 0 || (positionKey !== undefined && key < positionKey)) member.sendBatch(owed, position);
    const socket = this.host.outbox.socket(member.socketId);
    if (!socket) {
      this.remove(member, true);
      return;
    }
    void socket.join(this.room);
    if (member.live) return;
    member.live = true;
    this.liveBySocket.set(member.socketId, (this.liveBySocket.get(member.socketId) ?? 0) + 1);
  }

  /** A member's catch-up failed (HISTORY_LOST...): that subscription alone ends. */
  memberFailed(member: WatchMember, error: WireError): void {
    if (member.cancelled) return;
    member.send('sub:error', { subId: member.subId, error });
    this.remove(member);
    this.host.subscriptionEnded(member.socketId, member.subId);
  }

  /** One message to one member's socket, subject to its outbound budget unless `force` (error notices). */
  sendToMember<E extends keyof ServerToClientEvents>(
    member: WatchMember,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
    force: boolean,
  ): void {
    this.host.outbox.toSocket(
      member.socketId,
      event,
      payload,
      force ? undefined : () => this.overflow(member.socketId),
    );
  }

  /** Batch for the whole room, subject to every member socket's outbound budget. */
  private broadcast(events: EJSONDocument[], token: unknown): void {
    this.lastSent = token;
    const batch: ChangeBatch = { streamId: this.id, events };
    if (token != null) batch.postBatchResumeToken = encode(token) as EJSONDocument;
    this.host.outbox.toRoom(this.room, 'change', batch, (socketId) => this.overflow(socketId));
  }

  /** A socket that stopped reading loses its subscriptions of this group, loudly; it resumes from its last token. */
  private overflow(socketId: string): void {
    for (const member of [...this.members.values()]) {
      if (member.socketId !== socketId) continue;
      member.send('sub:error', { subId: member.subId, error: this.host.outbox.overflowError() }, true);
      this.remove(member);
      this.host.subscriptionEnded(socketId, member.subId);
    }
  }

  private evaluate(event: Document): EJSONDocument | null {
    const out = this.guard.apply(event);
    return out ? (encode(out) as EJSONDocument) : null;
  }

  private remember(key: PositionKey | undefined, out: EJSONDocument): void {
    if (key === undefined) return;
    this.recent.push({ key, out });
    if (this.recent.length > RECENT_OUTPUTS) {
      const dropped = this.recent.splice(0, this.recent.length - RECENT_OUTPUTS / 2);
      this.recentBase = dropped.at(-1)!.key;
    }
  }

  private remove(member: WatchMember, linger = true): void {
    this.members.delete(member.id);
    member.cancel();
    this.leaveRoom(member);
    if (this.members.size === 0 && !this.over) this.host.released(this, linger);
  }

  private leaveRoom(member: WatchMember): void {
    if (!member.live) return;
    member.live = false;
    const others = (this.liveBySocket.get(member.socketId) ?? 1) - 1;
    if (others > 0) {
      this.liveBySocket.set(member.socketId, others);
      return;
    }
    this.liveBySocket.delete(member.socketId);
    void this.host.outbox.socket(member.socketId)?.leave(this.room);
  }
}

function toWireErrorObject(message: string): Error {
  return Object.assign(new Error(message), { code: 'CLOSED' });
}
