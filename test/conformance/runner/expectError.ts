// expectError: assertions about the error an operation raised.
import { type Document, MongoBulkWriteError, MongoClientBulkWriteError, MongoError, MongoServerError } from 'mongodb';
import { describeValue } from './bsonValues.js';
import { assertMatches, assertResultMatches, type MatchContext, MatchError } from './match.js';
import { clientBulkWriteResultDocument } from './operations/clientBulkWrite.js';
import { bulkWriteResultDocument } from './operations/collection.js';
import type { ExpectedError } from './types.js';
import { UnsupportedError } from './unsupported.js';

/** Errors of the runner itself (timeouts, bad entities) are never the error a test expects. */
export function isRunnerError(error: unknown): boolean {
  return (
    error instanceof UnsupportedError ||
    error instanceof MatchError ||
    (error instanceof Error && error.message.startsWith('runner:'))
  );
}

function firstWriteError(error: unknown): Document | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return writeErrors[0] as Document | undefined;
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown }).code ?? firstWriteError(error)?.code;
}

/** Asserts `error` satisfies every assertion of `expected`. `iterable` as for expectResult. */
export function assertExpectedError(
  expected: ExpectedError,
  error: unknown,
  ctx: MatchContext,
  iterable: boolean,
): void {
  if (expected.writeErrors || expected.writeConcernErrors) throw new UnsupportedError('expectError.writeErrors');
  const what = () => `${(error as Error)?.name ?? 'error'}: ${describeValue((error as Error)?.message ?? error)}`;
  const fail = (message: string): never => {
    throw new MatchError(`${message} (actual error ${what()})`);
  };

  if (expected.isClientError !== undefined) {
    // Anything derived from a server reply is a MongoServerError (incl. write concern and bulk write errors).
    const isClient = !(error instanceof MongoServerError);
    if (isClient !== expected.isClientError) fail(`expected a ${expected.isClientError ? 'client' : 'server'} error`);
  }
  if (expected.isTimeoutError !== undefined) {
    const isTimeout = (error as Error)?.name === 'MongoOperationTimeoutError';
    if (isTimeout !== expected.isTimeoutError) fail(`expected isTimeoutError ${expected.isTimeoutError}`);
  }
  if (expected.errorContains !== undefined) {
    const message = String((error as Error)?.message ?? '').toLowerCase();
    if (!message.includes(expected.errorContains.toLowerCase()))
      fail(`expected a message containing '${expected.errorContains}'`);
  }
  if (expected.errorCode !== undefined && codeOf(error) !== expected.errorCode) {
    fail(`expected error code ${expected.errorCode}, got ${String(codeOf(error))}`);
  }
  if (expected.errorCodeName !== undefined) {
    const codeName = String((error as { codeName?: unknown }).codeName ?? '');
    if (codeName.toLowerCase() !== expected.errorCodeName.toLowerCase()) {
      fail(`expected codeName ${expected.errorCodeName}, got ${codeName || 'none'}`);
    }
  }
  for (const label of expected.errorLabelsContain ?? []) {
    if (!(error instanceof MongoError && error.hasErrorLabel(label))) fail(`expected error label ${label}`);
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    if (error instanceof MongoError && error.hasErrorLabel(label)) fail(`expected no error label ${label}`);
  }
  if (expected.errorResponse !== undefined) {
    if (!(error instanceof MongoServerError)) fail('expected a server response in the error');
    assertMatches(expected.errorResponse, (error as MongoServerError).errorResponse, ctx, true, 'errorResponse');
  }
  if (expected.expectResult !== undefined) {
    const result =
      error instanceof MongoBulkWriteError
        ? bulkWriteResultDocument(error.result)
        : error instanceof MongoClientBulkWriteError && error.partialResult
          ? clientBulkWriteResultDocument(error.partialResult)
          : undefined;
    assertResultMatches(expected.expectResult, result, ctx, iterable);
  }
}
