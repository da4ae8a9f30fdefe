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
  raised: unknown,
  ctx: MatchContext,
  iterable: boolean,
): void {
  // A clientBulkWrite's top-level server error comes wrapped, as its cause (the spec's "top-level error").
  const error =
    raised instanceof MongoClientBulkWriteError && raised.cause instanceof MongoServerError ? raised.cause : raised;
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
  if (expected.writeErrors !== undefined || expected.writeConcernErrors !== undefined) {
    if (!(raised instanceof MongoClientBulkWriteError)) {
      throw new UnsupportedError('expectError.writeErrors on errors other than client bulk write');
    }
    if (expected.writeErrors !== undefined) {
      // Keyed by model index, as in the format; each { code, message } like the driver reports them.
      const actual = new Map([...raised.writeErrors].map(([index, value]) => [String(index), { ...value }]));
      const wanted = expected.writeErrors as Document;
      for (const index of new Set([...Object.keys(wanted), ...actual.keys()])) {
        if (!(index in wanted)) fail(`unexpected write error at model ${index}`);
        if (!actual.has(index)) fail(`expected a write error at model ${index}`);
        assertMatches(wanted[index], actual.get(index), ctx, true, `writeErrors.${index}`);
      }
    }
    if (expected.writeConcernErrors !== undefined) {
      const actual = raised.writeConcernErrors;
      if (actual.length !== expected.writeConcernErrors.length) {
        fail(`expected ${expected.writeConcernErrors.length} write concern errors, got ${actual.length}`);
      }
      expected.writeConcernErrors.forEach((wanted, i) => {
        assertMatches(wanted, { ...actual[i] }, ctx, true, `writeConcernErrors.${i}`);
      });
    }
  }
  if (expected.expectResult !== undefined) {
    const result =
      raised instanceof MongoBulkWriteError
        ? bulkWriteResultDocument(raised.result)
        : raised instanceof MongoClientBulkWriteError && raised.partialResult
          ? clientBulkWriteResultDocument(raised.partialResult)
          : undefined;
    assertResultMatches(expected.expectResult, result, ctx, iterable);
  }
}
