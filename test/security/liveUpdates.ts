import { decode } from '@mongo-live/protocol';
import type { Document } from 'mongodb';
import type { TestSocket } from '../bridge/harness.js';

/** Collects a socket's live-query updates and errors. */
export function liveRecorder(socket: TestSocket) {
  const updates: Document[] = [];
  const errors: Document[] = [];
  socket.on('query:update', (u) => updates.push(u as Document));
  socket.on('query:error', (e) => errors.push(e as Document));
  return { updates, errors };
}

/** Applies a live query's diffs to its snapshot. */
export function replay(docs: Document[], updates: Document[], queryId: string): Document[] {
  const out = docs.map((d) => decode<Document>(d));
  for (const u of updates.filter((x) => x.queryId === queryId))
    for (const d of u.diffs) {
      if (d.op === 'added') out.splice(d.index, 0, decode<Document>(d.doc));
      else if (d.op === 'removed') out.splice(d.index, 1);
      else if (d.op === 'changed') out[d.index] = decode<Document>(d.doc);
      else {
        const [moved] = out.splice(d.from, 1);
        out.splice(d.to, 0, d.doc ? decode<Document>(d.doc) : moved!);
      }
    }
  return out;
}
