import type { EJSONDocument, ServerToClientEvents, WireError } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import { encode } from '../driverBson.js';
import type { CatchUpMember } from './CatchUp.js';
import { type PositionKey, type StartPoint, tokenKey } from './position.js';
import type { WatchGroup } from './WatchGroup.js';

/**
 * One watch subscription of a {@link WatchGroup}: where it is in the stream, and what it is sent
 * before it joins the group's room (replayed or caught-up events). Nothing reaches the client
 * before the subscription's ack: deliveries wait until {@link acknowledged}.
 *
 * @example
 * const member = new WatchMember(group, socket.id, 'sub-1', key, start);
 * await feed.resume(member, start);
 */
export class WatchMember implements CatchUpMember {
  readonly id: string;
  /** In the group's room: receives the group's batches. */
  live = false;
  private acked = false;
  private waiting: Array<() => void> = [];
  private gone = false;
  private lastToken: unknown;

  constructor(
    private readonly group: WatchGroup,
    readonly socketId: string,
    readonly subId: string,
    /** Every event after this position is owed (moves on with each delivery). */
    public key: PositionKey,
    private readonly start: StartPoint | undefined,
  ) {
    this.id = `${socketId}:${subId}`;
  }

  get cancelled(): boolean {
    return this.gone;
  }

  cancel(): void {
    this.gone = true;
    this.waiting = [];
  }

  /** Where to resume this member from: its last token, else where it started. */
  startPoint(): StartPoint {
    if (this.lastToken != null) return { token: this.lastToken };
    return this.start ?? { token: undefined };
  }

  deliver(events: Document[], token: unknown): void {
    const out = this.group.evaluateAll(events);
    const after = tokenKey(token);
    if (after !== undefined && after > this.key) this.key = after;
    this.lastToken = token;
    this.whenAcked(() => {
      if (out.length > 0) this.sendBatch(out, token);
    });
  }

  handover(key: PositionKey): void {
    this.whenAcked(() => this.group.admit(this, key));
  }

  failed(error: WireError): void {
    this.whenAcked(() => this.group.memberFailed(this, error));
  }

  /** Runs after the ack was sent (the group schedules it right after the subscription resolves). */
  acknowledged(): void {
    this.acked = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const run of waiting) if (!this.gone) run();
  }

  sendBatch(events: EJSONDocument[], token: unknown): void {
    const batch: { streamId: string; events: EJSONDocument[]; postBatchResumeToken?: EJSONDocument } = {
      streamId: this.group.id,
      events,
    };
    if (token != null) batch.postBatchResumeToken = encode(token) as EJSONDocument;
    this.send('change', batch);
  }

  /** One message to this member's socket (the group checks the socket's budget). */
  send<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0], force = false) {
    this.group.sendToMember(this, event, payload, force);
  }

  private whenAcked(run: () => void): void {
    if (this.gone) return;
    if (this.acked) run();
    else this.waiting.push(run);
  }
}
