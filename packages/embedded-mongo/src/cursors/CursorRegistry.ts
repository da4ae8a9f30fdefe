import { Long } from 'bson';
import type { ServerCursor } from './ServerCursor.js';

/** Open server cursors by id, for getMore and killCursors. */
export class CursorRegistry {
  private readonly cursors = new Map<string, ServerCursor>();
  private next = 1n;

  /** A fresh, never reused, non-zero cursor id. */
  newId(): Long {
    // Random high bits make ids hard to guess across restarts, like mongod's.
    const random = BigInt(Math.floor(Math.random() * 0x3fffff)) << 40n;
    const id = random | this.next++;
    return Long.fromBigInt(id);
  }

  add(cursor: ServerCursor): void {
    this.cursors.set(cursor.id.toString(), cursor);
  }

  get(id: Long): ServerCursor | undefined {
    return this.cursors.get(id.toString());
  }

  /** Forgets and kills a cursor; false when it was not open. */
  kill(id: Long): boolean {
    const cursor = this.cursors.get(id.toString());
    if (!cursor) return false;
    this.cursors.delete(id.toString());
    cursor.kill();
    return true;
  }

  /** Forgets a cursor that ended by itself (exhausted). */
  forget(id: Long): void {
    this.cursors.delete(id.toString());
  }

  killAll(): void {
    for (const cursor of this.cursors.values()) cursor.kill();
    this.cursors.clear();
  }
}
