import { HEADER_SIZE, MAX_MESSAGE_SIZE } from './opcodes.js';

/** Thrown when the byte stream cannot be a valid sequence of wire messages. */
export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

/**
 * Cuts a TCP byte stream into whole wire messages, using each message's int32 length prefix.
 * Chunks may split or join messages arbitrarily.
 */
export class MessageFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Adds a chunk and returns every message completed by it (each a Buffer including its header). */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const messages: Buffer[] = [];
    while (this.pendingBytes >= 4) {
      const head = this.pending.length === 1 ? this.pending[0]! : this.flatten();
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new MalformedMessageError(`invalid message length ${length}`);
      }
      if (this.pendingBytes < length) break;
      const all = this.flatten();
      messages.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    return messages;
  }

  private flatten(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    return this.pending[0]!;
  }
}
