import { PROTOCOL_VERSION, type WatchTarget } from '@mongo-live/protocol';
import type { ChangeStreamOptions, Document } from 'mongodb';
import { z } from 'zod';
import { decode, Timestamp } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import type { BridgeLimits } from '../limits.js';
import { assertSafeName } from './fieldNames.js';
import { inspectPayload } from './inspectPayload.js';
import { guardOperators, guardPipeline } from './pipelineGuard.js';

/** A validated, decoded `watch` request (the target flattened: `db`, `collection`). */
export interface ValidWatch extends WatchTarget {
  subId: string;
  /** Client pipeline decoded from EJSON (BSON types restored). */
  pipeline: Document[];
  /** Driver options decoded from EJSON. */
  options: ChangeStreamOptions;
  /** The client asked for its own starting point (resumeAfter / startAfter / startAtOperationTime). */
  resumes: boolean;
}

/** A validated, decoded `query` (with subId) or `find` (without) request. */
export interface ValidQuery {
  subId?: string;
  db: string;
  collection: string;
  filter: Document;
  sort?: Array<[string, 1 | -1]>;
  limit?: number;
  skip?: number;
  projection?: Document;
}

const ejsonDoc = z.record(z.string(), z.unknown());
// Database and collection names as MongoDB accepts them, minus system namespaces.
const dbName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[^/\\. "$*<>:|?\0]+$/, 'invalid database name');
const collName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^$\0]+$/, 'invalid collection name')
  .refine((s) => !s.startsWith('system.'), 'system collections cannot be watched or queried');

function schemas(limits: BridgeLimits) {
  const v = z.literal(PROTOCOL_VERSION);
  const subId = z.string().min(1).max(limits.maxSubIdLength);
  const watchOptions = z.strictObject({
    fullDocument: z.enum(['default', 'updateLookup', 'whenAvailable', 'required']).optional(),
    fullDocumentBeforeChange: z.enum(['off', 'whenAvailable', 'required']).optional(),
    resumeAfter: ejsonDoc.optional(),
    startAfter: ejsonDoc.optional(),
    startAtOperationTime: z
      .strictObject({ $timestamp: z.strictObject({ t: z.number().int().min(0), i: z.number().int().min(0) }) })
      .optional(),
    maxAwaitTimeMS: z.number().int().min(0).max(60_000).optional(),
    batchSize: z.number().int().min(1).max(10_000).optional(),
    collation: ejsonDoc.optional(),
    showExpandedEvents: z.boolean().optional(),
  });
  const querySpec = {
    v,
    db: dbName,
    collection: collName,
    filter: ejsonDoc.optional(),
    sort: z
      .array(z.tuple([z.string().min(1), z.union([z.literal(1), z.literal(-1)])]))
      .max(32)
      .optional(),
    limit: z.number().int().min(0).max(limits.maxQueryLimit).optional(),
    skip: z
      .number()
      .int()
      .min(0)
      .max(limits.maxQuerySkip, `skip is over maxQuerySkip (${limits.maxQuerySkip})`)
      .optional(),
    projection: ejsonDoc.optional(),
  };
  return {
    watch: z.strictObject({
      v,
      subId,
      target: z.strictObject({ db: dbName.optional(), collection: collName.optional() }),
      pipeline: z.array(ejsonDoc).optional(),
      options: watchOptions.optional(),
    }),
    query: z.strictObject({ ...querySpec, subId }),
    count: z.strictObject({ v, subId, db: dbName, collection: collName, filter: ejsonDoc.optional() }),
    pages: z.strictObject({
      v,
      subId,
      db: dbName,
      collection: collName,
      filter: ejsonDoc.optional(),
      sort: querySpec.sort,
      projection: ejsonDoc.optional(),
      pageSize: z.number().int().min(1).max(limits.maxQueryLimit),
      pageCount: z.number().int().min(1).max(limits.maxQueryResults).optional(),
    }),
    'pages:more': z.strictObject({ v, subId }),
    find: z.strictObject(querySpec),
    unsubscribe: z.strictObject({ v, subId }),
  };
}

/**
 * Validates every client message with zod after a structural inspection (size, depth, forbidden
 * keys), checks the protocol version, guards pipelines and filters, and decodes EJSON.
 * Every failure is a {@link BridgeError} with a message that says what was wrong.
 *
 * @example
 * const validator = new RequestValidator(resolveLimits());
 * const watch = validator.watch({ v: 1, subId: 's1', target: { db: 'shop', collection: 'orders' } });
 */
export class RequestValidator {
  private readonly schemas: ReturnType<typeof schemas>;

  constructor(private readonly limits: BridgeLimits) {
    this.schemas = schemas(limits);
  }

  watch(raw: unknown): ValidWatch {
    const req = this.parse('watch', this.schemas.watch, raw);
    if (req.target.collection !== undefined && req.target.db === undefined)
      throw invalid('watch: target.collection requires target.db');
    const pipeline = req.pipeline ?? [];
    guardPipeline(pipeline, this.limits.maxPipelineStages);
    const o = req.options ?? {};
    const starts = [o.resumeAfter, o.startAfter, o.startAtOperationTime].filter((x) => x !== undefined);
    if (starts.length > 1)
      throw invalid('watch: give at most one of options.resumeAfter, options.startAfter, options.startAtOperationTime');
    const options: ChangeStreamOptions = {};
    if (o.fullDocument !== undefined) options.fullDocument = o.fullDocument;
    if (o.fullDocumentBeforeChange !== undefined) options.fullDocumentBeforeChange = o.fullDocumentBeforeChange;
    if (o.resumeAfter !== undefined) options.resumeAfter = decodeEjson(o.resumeAfter, 'options.resumeAfter');
    if (o.startAfter !== undefined) options.startAfter = decodeEjson(o.startAfter, 'options.startAfter');
    if (o.startAtOperationTime !== undefined) {
      const ts = decodeEjson(o.startAtOperationTime, 'options.startAtOperationTime');
      if (!(ts instanceof Timestamp)) throw invalid('watch: options.startAtOperationTime must be a Timestamp');
      options.startAtOperationTime = ts;
    }
    if (o.maxAwaitTimeMS !== undefined) options.maxAwaitTimeMS = o.maxAwaitTimeMS;
    if (o.batchSize !== undefined) options.batchSize = o.batchSize;
    if (o.collation !== undefined) {
      guardOperators(o.collation, 'options.collation');
      options.collation = decodeEjson(o.collation, 'options.collation') as ChangeStreamOptions['collation'];
    }
    if (o.showExpandedEvents !== undefined) options.showExpandedEvents = o.showExpandedEvents;
    const valid: ValidWatch = {
      subId: req.subId,
      pipeline: pipeline.map((stage, i) => decodeEjson(stage, `pipeline[${i}]`) as Document),
      options,
      resumes: starts.length > 0,
    };
    if (req.target.db !== undefined) valid.db = req.target.db;
    if (req.target.collection !== undefined) valid.collection = req.target.collection;
    return valid;
  }

  query(raw: unknown): ValidQuery & { subId: string } {
    const req = this.parse('query', this.schemas.query, raw);
    // A live query holds its skipped prefix too (for exact diffs at the skip boundary).
    const held = (req.skip ?? 0) + Math.abs(req.limit ?? 0);
    if (held > this.limits.maxQueryResults)
      throw new BridgeError(
        'LIMIT_EXCEEDED',
        `a live query holds skip + limit documents (${held}), at most maxQueryResults (${this.limits.maxQueryResults})`,
      );
    return { ...this.querySpec(req), subId: req.subId };
  }

  /** A `count` request: a query of only a filter. */
  count(raw: unknown): ValidQuery & { subId: string } {
    const req = this.parse('count', this.schemas.count, raw);
    return { ...this.querySpec(req), subId: req.subId };
  }

  /** A `pages` request: a query without skip or limit, with a page size. */
  pages(raw: unknown): ValidQuery & { subId: string; pageSize: number; pageCount: number } {
    const req = this.parse('pages', this.schemas.pages, raw);
    return { ...this.querySpec(req), subId: req.subId, pageSize: req.pageSize, pageCount: req.pageCount ?? 1 };
  }

  morePages(raw: unknown): { subId: string } {
    return { subId: this.parse('pages:more', this.schemas['pages:more'], raw).subId };
  }

  find(raw: unknown): ValidQuery {
    return this.querySpec(this.parse('find', this.schemas.find, raw));
  }

  unsubscribe(raw: unknown): { subId: string } {
    return { subId: this.parse('unsubscribe', this.schemas.unsubscribe, raw).subId };
  }

  private querySpec(req: Omit<z.infer<ReturnType<typeof schemas>['find']>, 'v'>): ValidQuery {
    const filter = req.filter ?? {};
    guardOperators(filter, 'filter');
    const q: ValidQuery = { db: req.db, collection: req.collection, filter: decodeEjson(filter, 'filter') as Document };
    if (req.projection !== undefined) {
      guardOperators(req.projection, 'projection');
      q.projection = decodeEjson(req.projection, 'projection') as Document;
    }
    if (req.sort !== undefined) {
      for (const [field] of req.sort) assertSafeName(field, 'sort');
      q.sort = req.sort;
    }
    if (req.limit !== undefined) q.limit = req.limit;
    if (req.skip !== undefined) q.skip = req.skip;
    return q;
  }

  private parse<T>(event: string, schema: z.ZodType<T>, raw: unknown): T {
    inspectPayload(raw, this.limits);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw invalid(`${event}: the request must be an object`);
    const v = (raw as { v?: unknown }).v;
    if (v !== PROTOCOL_VERSION)
      throw invalid(
        `${event}: protocol version mismatch: the bridge speaks v${PROTOCOL_VERSION}, the request has v=${JSON.stringify(v) ?? 'undefined'}`,
      );
    const result = schema.safeParse(raw);
    if (!result.success) {
      const issues = result.error.issues.slice(0, 3).map((issue) => {
        const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
        return `${issue.message}${at}`;
      });
      throw invalid(`${event}: ${issues.join('; ')}`);
    }
    return result.data;
  }
}

/**
 * Canonical EJSON in, bson types out, with Int32/Double (and Longs that fit) as JS numbers so that
 * filters compare like MongoDB in memory (mingo) and read naturally in `authorize`.
 */
function decodeEjson(value: unknown, where: string): unknown {
  try {
    return decode(value);
  } catch (error) {
    throw invalid(`${where}: invalid Extended JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function invalid(message: string): BridgeError {
  return new BridgeError('INVALID_REQUEST', message);
}
