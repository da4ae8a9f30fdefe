import type { Socket } from 'node:net';
import type { Document } from 'bson';
import type { ConnectionInfo } from '../commands/CommandContext.js';
import { commandError, errorReply } from '../errors.js';
import { encodeLegacyReply, encodeMsgReply } from '../wire/encodeReply.js';
import { MessageFramer } from '../wire/MessageFramer.js';
import { MsgFlag, OpCode } from '../wire/opcodes.js';
import { parseRequest, type WireRequest } from '../wire/parseRequest.js';
import { executeCommand } from './executeCommand.js';
import type { ServerState } from './ServerState.js';

const HELLO_NAMES = new Set(['hello', 'isMaster', 'ismaster']);

/** Shared across connections so reply ids are unique per server, as mongod's are. */
let lastReplyId = 0;
function nextReplyId(): number {
  lastReplyId = (lastReplyId + 1) | 0;
  return lastReplyId;
}

/**
 * One client connection: frames messages, runs their commands one at a time in arrival order,
 * and streams awaitable hello replies (exhaust) until the client goes away.
 */
export class Connection {
  readonly info: ConnectionInfo;
  private readonly framer = new MessageFramer();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(
    private readonly socket: Socket,
    private readonly server: ServerState,
    private readonly onClose: (connection: Connection) => void,
  ) {
    this.info = {
      id: server.nextConnectionId(),
      appName: undefined,
      localAddress: `${socket.localAddress}:${socket.localPort}`,
      remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** Drops the connection and stops its timers (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.timers.clear();
    this.socket.destroy();
    this.onClose(this);
  }

  private receive(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch {
      this.close(); // a stream we cannot frame cannot be resynchronised
      return;
    }
    for (const message of messages) {
      this.queue = this.queue.then(() => this.handle(message)).catch(() => this.close());
    }
  }

  private async handle(message: Buffer): Promise<void> {
    if (this.closed) return;
    const request = parseRequest(message); // throws on malformed input: the connection closes
    const isHello = HELLO_NAMES.has(Object.keys(request.body)[0] ?? '');
    if (isHello && request.body.topologyVersion && request.body.maxAwaitTimeMS !== undefined) {
      await this.awaitableHello(request);
      return;
    }
    const outcome = await executeCommand(this.server, this.info, request.db, request.body);
    if (outcome.kind === 'close') return this.close();
    if (request.opCode === OpCode.Msg && request.flags & MsgFlag.MoreToCome) return; // no reply wanted
    this.send(request, outcome.reply);
  }

  private send(request: WireRequest, reply: Document): void {
    if (this.closed) return;
    const id = nextReplyId();
    const encode = (doc: Document) =>
      request.opCode === OpCode.Query
        ? encodeLegacyReply(id, request.requestId, doc)
        : encodeMsgReply(id, request.requestId, doc);
    let bytes: Buffer;
    try {
      bytes = encode(reply);
    } catch (error) {
      // e.g. a reply over the BSON size limit: answer with the error instead of dropping the client.
      const failure = errorReply(commandError('BadValue', `cannot encode reply: ${(error as Error).message}`));
      bytes = encode({ ...failure, $clusterTime: reply.$clusterTime, operationTime: reply.operationTime });
    }
    this.socket.write(bytes);
  }

  /**
   * Awaitable hello: with the client's topologyVersion current, answer after maxAwaitTimeMS (the
   * topology never changes here). With exhaustAllowed, keep answering every maxAwaitTimeMS with
   * moreToCome set, each reply responding to the previous one, until the connection closes.
   */
  private async awaitableHello(request: WireRequest): Promise<void> {
    const maxAwaitTimeMS = Math.max(
      0,
      Number(request.body.maxAwaitTimeMS?.valueOf?.() ?? request.body.maxAwaitTimeMS) || 0,
    );
    const known = request.body.topologyVersion as Document;
    const current =
      known.processId?.toHexString?.() === this.server.processId.toHexString() &&
      String(known.counter) === String(this.server.topologyCounter);
    if (current) await this.wait(maxAwaitTimeMS);
    const exhaust = (request.flags & MsgFlag.ExhaustAllowed) !== 0 && request.opCode === OpCode.Msg;
    let responseTo = request.requestId;
    while (!this.closed) {
      const outcome = await executeCommand(this.server, this.info, request.db, request.body);
      if (outcome.kind === 'close') return this.close();
      if (this.closed) return;
      const streaming = exhaust && outcome.reply.ok === 1;
      const id = nextReplyId();
      this.socket.write(encodeMsgReply(id, responseTo, outcome.reply, streaming));
      if (!streaming) return;
      responseTo = id;
      await this.wait(Math.max(maxAwaitTimeMS, 50)); // never spin, even if asked for 0
    }
  }

  private wait(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.timers.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(pending);
    });
  }
}
