import { MongoServerError } from 'mongodb';

/**
 * Test helper: the MongoServerError a driver call fails with; throws if it succeeds or fails
 * with anything else.
 *
 * @example
 * expect((await serverError(coll.insertOne({ _id: 1 }))).code).toBe(11000);
 */
export async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MongoServerError)) throw new Error(`expected a server error, got ${String(error)}`);
  return error;
}
