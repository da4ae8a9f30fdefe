import type { WatchTarget, WireError } from '@mongo-live/protocol';
import type { ChangeStreamOptions, Document, MongoClient } from 'mongodb';
import { toWireError } from '../errors.js';
import { DriverStream } from './DriverStream.js';
import { type PositionKey, type StartPoint, startKey, startOptions, tokenKey } from './position.js';
import type { BufferedEvent } from './ReplayBuffer.js';

/** Most events a catch-up keeps to hand to the feed's buffer. */
const KEEP = 10_000;

/** A subscription catching up: owed every event after `key`, then handed to the live feed. */
export interface CatchUpMember {
  readonly key: PositionKey;
  readonly cancelled: boolean;
  /** Events of the catch-up stream after this member's key, and the token after them. */
  deliver(events: Document[], token: unknown): void;
  /** From now on the live feed serves this member: it is owed every event after `key`. */
  handover(key: PositionKey): void;
  failed(error: WireError): void;
}

/** What a catch-up needs from its feed. */
export interface CatchUpHost {
  mongo: MongoClient;
  scope: WatchTarget;
  options: ChangeStreamOptions;
  maxBatch: number;
  /** True when the live feed can serve everything after `key` (its replay buffer covers it). */
  canHandOver(key: PositionKey): boolean;
  /** True when `key` is beyond the live feed's position: wait for the feed instead of reading on. */
  isAhead(key: PositionKey): boolean;
  /** The live feed's replay buffer begins here (events before it are worth keeping). */
  bufferBase(): PositionKey | undefined;
  /** Hands the events read before the feed's buffer to it, from `base` on (see ReplayBuffer.extendBack). */
  extendBack(base: PositionKey, events: BufferedEvent[]): void;
  /** The catch-up is over (handed over, failed, or abandoned); `retry` members go to another catch-up. */
  done(catchUp: CatchUp, failedMembers: CatchUpMember[], retry: CatchUpMember[], error?: WireError): void;
}

/**
 * One MongoDB stream shared by every subscription that resumes from a position the live feed no
 * longer holds: it starts at the oldest of their positions, gives each member the events after its
 * own, and hands every member over to the live feed at the first position the feed's replay
 * buffer covers, so nothing is lost, doubled or reordered. When it gets ahead of the live feed it
 * stops reading and waits for the feed.
 *
 * @example
 * const catchUp = new CatchUp(host, { token }, [member]);
 * await catchUp.open(); // MongoDB accepted the resume point
 */
export class CatchUp {
  private readonly members: CatchUpMember[];
  private current: PositionKey;
  private readonly stream: DriverStream;
  private finished = false;
  /** Events read that precede the feed's buffer; given to it at the handover (a later storm wave then needs no stream). */
  private read: BufferedEvent[] | undefined = [];
  readonly opened: Promise<void>;

  constructor(
    private readonly host: CatchUpHost,
    private readonly start: StartPoint,
    members: CatchUpMember[],
  ) {
    this.members = members;
    this.current = startKey(start)!;
    this.stream = new DriverStream(
      host.mongo,
      host.scope,
      { ...host.options, ...startOptions(start) },
      { batch: (events, token) => this.onBatch(events, token), failed: (error) => this.onFailed(error) },
      host.maxBatch,
    );
    this.opened = this.stream.open().catch((error) => {
      this.onFailed(error);
      throw error;
    });
  }

  /** Adds a member whose position this catch-up has not passed yet; false when it has. */
  tryJoin(member: CatchUpMember): boolean {
    if (this.finished || member.key < this.current) return false;
    this.members.push(member);
    return true;
  }

  /** The live feed moved: hand over if it now covers this catch-up's position. */
  feedAdvanced(): void {
    if (this.finished) return;
    if (this.tryHandover()) return;
    if (!this.host.isAhead(this.current)) this.stream.resume();
  }

  close(): void {
    this.finished = true;
    this.stream.close();
  }

  private live(): CatchUpMember[] {
    return this.members.filter((m) => !m.cancelled);
  }

  private onBatch(events: Document[], token: unknown): void {
    if (this.finished) return;
    const owed = new Map<CatchUpMember, Document[]>();
    let lastToken: unknown;
    const flush = () => {
      for (const [member, list] of owed) if (list.length > 0) member.deliver(list, lastToken);
      owed.clear();
    };
    for (const event of events) {
      if (this.tryHandover(flush)) return;
      const key = tokenKey(event._id);
      if (key === undefined) continue;
      for (const member of this.live()) {
        if (member.key >= key) continue;
        const list = owed.get(member);
        if (list) list.push(event);
        else owed.set(member, [event]);
      }
      this.current = key;
      lastToken = event._id;
      if (this.read) {
        const base = this.host.bufferBase();
        if (base !== undefined && key <= base) this.read.push({ key, event });
        if (this.read.length > KEEP) this.read = undefined;
      }
    }
    const after = tokenKey(token);
    if (after !== undefined && after > this.current) {
      this.current = after;
      lastToken = token;
    }
    flush();
    if (this.live().length === 0) {
      this.finish([], []);
      return;
    }
    if (this.tryHandover()) return;
    if (this.host.isAhead(this.current)) this.stream.pause();
  }

  /** Hands every member over when the live feed covers the current position. */
  private tryHandover(flush?: () => void): boolean {
    if (!this.host.canHandOver(this.current)) return false;
    flush?.();
    this.finished = true;
    this.stream.close();
    const from = startKey(this.start);
    if (this.read && from !== undefined) this.host.extendBack(from, this.read);
    for (const member of this.live()) member.handover(later(member.key, this.current));
    this.host.done(this, [], []);
    return true;
  }

  private onFailed(error: unknown): void {
    if (this.finished) return;
    const wire = toWireError(error);
    const members = this.live();
    // MongoDB lost the history at the oldest position: only members that started there lost it.
    if (wire.code === 'HISTORY_LOST') {
      const startAt = startKey(this.start);
      this.finish(
        members.filter((m) => m.key === startAt),
        members.filter((m) => m.key !== startAt),
        wire,
      );
    } else this.finish(members, [], wire);
  }

  private finish(failed: CatchUpMember[], retry: CatchUpMember[], error?: WireError): void {
    this.finished = true;
    this.stream.close();
    if (error) for (const member of failed) member.failed(error);
    this.host.done(this, failed, retry, error);
  }
}

/** The later of two positions. */
function later(a: PositionKey, b: PositionKey): PositionKey {
  return a > b ? a : b;
}
