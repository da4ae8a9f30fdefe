// createChangeStream and the cursor operations on change stream entities.
import type { ChangeStream, Document } from 'mongodb';
import type { ChangeStreamEntity } from '../entities.js';
import { type Handler, type OperationContext, split } from './context.js';

interface Watchable {
  watch(pipeline: Document[], options: Document): ChangeStream;
}

/**
 * The format requires the server-side cursor to exist once createChangeStream returns (so that later writes
 * are seen), but the driver's watch() is lazy and its public iteration methods would also send a getMore,
 * which the tests' expected events do not contain. So the runner runs the driver cursor's own initialization,
 * which sends exactly the aggregate.
 */
export async function createChangeStream(watchable: Watchable, args: Document): Promise<ChangeStreamEntity> {
  const [{ pipeline }, options] = split(args, ['pipeline']);
  const stream = watchable.watch(pipeline ?? [], options);
  const cursor = (stream as unknown as { cursor?: { cursorInit?: () => Promise<void> } }).cursor;
  if (typeof cursor?.cursorInit !== 'function') throw new Error('runner: this driver version hides cursorInit');
  try {
    await cursor.cursorInit.call(cursor);
  } catch (error) {
    await stream.close().catch(() => undefined);
    throw error;
  }
  return { kind: 'changeStream', stream };
}

function streamOf(target: string, ctx: OperationContext): ChangeStream {
  const entity = ctx.entities.get(target);
  if (entity.kind !== 'changeStream') throw new Error(`runner: entity '${target}' is a ${entity.kind}, not a cursor`);
  return entity.stream;
}

/** Each tryNext is one getMore (the server waits up to its await time), so the wait can be bounded. */
async function iterateUntilDocument(stream: ChangeStream, timeoutMS: number): Promise<Document> {
  const deadline = Date.now() + timeoutMS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`runner: no change event within ${timeoutMS} ms (getMore did not return)`)),
      timeoutMS + 2_000,
    );
  });
  const loop = async () => {
    while (Date.now() < deadline) {
      const change = await stream.tryNext();
      if (change) return change as Document;
    }
    throw new Error(`runner: no change event within ${timeoutMS} ms`);
  };
  try {
    return await Promise.race([loop(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export const changeStreamOperations: Record<string, Handler> = {
  async iterateUntilDocumentOrError(target, _args, ctx) {
    return iterateUntilDocument(streamOf(target, ctx), ctx.iterateTimeoutMS);
  },
  async iterateOnce(target, _args, ctx) {
    return (await streamOf(target, ctx).tryNext()) ?? undefined;
  },
  async close(target, _args, ctx) {
    await streamOf(target, ctx).close();
    return undefined;
  },
};
