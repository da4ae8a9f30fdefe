import type { ChangeStreamOptions, Document } from 'mongodb';
import { EJSON, Timestamp } from '../driverBson.js';
import { BridgeError } from '../errors.js';
import { BoundedFilter, BoundedPipeline } from '../evaluation/BoundedEvaluation.js';
import { DEFAULT_EVALUATION_LIMITS, type EvaluationLimits } from '../evaluation/EvaluationBudget.js';
import { normalizeNumbers } from '../live-query/normalize.js';
import { valueKey } from '../live-query/valueKey.js';
import { setField } from '../validation/fieldNames.js';
import type { RemovalsWithoutPreImage } from './AccessPolicy.js';
import { referencedPaths, updateTouches } from './filterPaths.js';
import type { Projection } from './Projection.js';
import { ShownDocuments } from './ShownDocuments.js';

/** Operation types that carry a document (and so fall under row and field access rules). */
const DOCUMENT_OPS = new Set(['insert', 'update', 'replace', 'delete']);

export interface GuardSpec {
  /** Row filter from the access decision, evaluated on the event's document. */
  filter?: Document;
  /** Field projection from the access decision. */
  projection?: Projection;
  /** What the client asked for, so forced options can be undone before sending. */
  clientOptions: ChangeStreamOptions;
  /** The client's pipeline; runs here, on the already-guarded event. */
  clientPipeline: Document[];
  /** Bounds of the filter and pipeline evaluation (the bridge's limits); defaults apply when absent. */
  limits?: EvaluationLimits;
  /**
   * `'withhold'` (default): a removal the bridge cannot decide (a delete, or an update/replace that
   * may have left the scope, without a pre-image) is sent only for a document this stream showed.
   * `'sendKey'`: sent as its key anyway; the subscriber learns the `_id` of documents it never could
   * see (see {@link RemovalsWithoutPreImage}).
   */
  removalsWithoutPreImage?: RemovalsWithoutPreImage;
  /** What an earlier guard of the same stream showed (kept across a reconnect); a fresh record when absent. */
  shown?: ShownDocuments;
}

/**
 * Enforces a restricted access decision on change events, once per shared stream.
 *
 * Why in the bridge and not in the MongoDB pipeline: a client pipeline running inside MongoDB sees
 * the raw event, so `$addFields: { x: '$fullDocument.secret' }` or a `$match` on a hidden field
 * would leak. For restricted streams the bridge therefore watches without the client's stages,
 * applies the row filter and projection here, then runs the client's stages (same allowlist) on the
 * guarded event with mingo.
 *
 * Row filter: an insert is sent when its document matches. An update/replace is sent when its
 * post-image (`fullDocument`, forced to `updateLookup` when the client asked for none) matches. When
 * it does not, the bridge decides whether the document WAS in scope: from the pre-image
 * (`fullDocumentBeforeChange`, requested `whenAvailable`) when the collection records one; otherwise
 * from the update itself: an update that touches none of the filter's fields cannot have changed
 * membership. If it was in scope, the client gets a `delete`-shaped event with only `_id`, `ns`,
 * `documentKey` and `clusterTime`: it learns of the removal, never the content.
 *
 * Deletes are sent when the pre-image matches. Without a pre-image (the collection records none,
 * or it expired), a delete, like an update that may have left the scope, is sent only for a
 * document this stream showed (inserted, updated or replaced in scope): a document it cannot be
 * shown to have been allowed to see is never named, not even by `_id`. Deletes carry only the
 * document key (and the pre-image when it matches and was asked for).
 *
 * @example
 * const guard = new ChangeEventGuard({ filter: { owner: 'ann' }, clientOptions: {}, clientPipeline: [] });
 * guard.apply(event) // the event, a removal, or null (not for this client)
 */
export class ChangeEventGuard {
  private readonly query: BoundedFilter | undefined;
  private readonly filterPaths: string[][] | undefined;
  private readonly pipeline: BoundedPipeline | undefined;
  /** Documents this stream has shown (valueKey of `_id`); see {@link MAX_SHOWN_IDS}. */
  private readonly shown: ShownDocuments;
  /** The event being guarded's cluster time: `$$CLUSTER_TIME` of its evaluation. */
  private clusterTime: Timestamp | undefined;

  constructor(private readonly spec: GuardSpec) {
    const limits = spec.limits ?? DEFAULT_EVALUATION_LIMITS;
    this.shown = spec.shown ?? new ShownDocuments(MAX_SHOWN_IDS);
    this.query = spec.filter ? new BoundedFilter(spec.filter, limits) : undefined;
    this.filterPaths = spec.filter ? referencedPaths(spec.filter) : undefined;
    this.pipeline = spec.clientPipeline.length > 0 ? new BoundedPipeline(spec.clientPipeline, limits) : undefined;
    if (this.pipeline) {
      // Surface a malformed (or unbounded) pipeline in the subscriber's ack, not as a failure of the shared stream.
      try {
        this.pipeline.run({ _id: { _data: '00' }, operationType: 'insert', fullDocument: {}, documentKey: {} });
      } catch (error) {
        if (error instanceof BridgeError && error.code === 'LIMIT_EXCEEDED') throw error;
        throw new BridgeError('INVALID_REQUEST', `invalid pipeline: ${(error as Error).message}`);
      }
    }
  }

  /** The documents this stream showed, by position (to hand to the next guard of the same stream). */
  get shownDocuments(): ShownDocuments {
    return this.shown;
  }

  /** Driver options: the client's, plus the images the row filter needs. */
  driverOptions(): ChangeStreamOptions {
    const options = { ...this.spec.clientOptions };
    if (this.query) {
      if (options.fullDocument === undefined || options.fullDocument === 'default')
        options.fullDocument = 'updateLookup';
      if (options.fullDocumentBeforeChange === undefined || options.fullDocumentBeforeChange === 'off')
        options.fullDocumentBeforeChange = 'whenAvailable';
    }
    return options;
  }

  /**
   * The guarded event as this stream's subscribers may see it, or null when they may not see it.
   * Throws an {@link EvaluationError} when the row filter or the client's pipeline cannot be
   * evaluated on this event within the bounds: end the subscriptions of this guard only.
   */
  apply(event: Document): Document | null {
    this.clusterTime = event.clusterTime instanceof Timestamp ? event.clusterTime : undefined;
    const op = event.operationType;
    let out: Document | null = event;
    if (DOCUMENT_OPS.has(op)) {
      if (this.query) out = this.applyRowFilter(event);
      if (out && out !== event && out.operationType === 'delete' && op !== 'delete') return this.runPipeline(out);
      if (out && this.spec.projection) out = this.project(out);
      if (out) out = this.undoForcedOptions(out);
      // An update of hidden fields only: sending it would tell when they changed.
      if (out && this.spec.projection && op === 'update' && changesNothingVisible(out.updateDescription)) return null;
    } else if (this.restricted) out = this.guardOtherEvent(event);
    if (out && this.restricted) out = withoutSessionIds(out);
    return out ? this.runPipeline(out) : null;
  }

  /** The access decision accepts naming documents the stream never showed (`removalsWithoutPreImage: 'sendKey'`). */
  private get sendsUndecided(): boolean {
    return this.spec.removalsWithoutPreImage === 'sendKey';
  }

  /** True when a row filter or a projection restricts this stream. */
  private get restricted(): boolean {
    return this.query !== undefined || this.spec.projection !== undefined;
  }

  /**
   * Events without a document on a restricted stream: DDL events of `showExpandedEvents` (an
   * index's partialFilterExpression, a validator, shard keys...) are withheld; lifecycle events
   * (drop, rename, dropDatabase, invalidate) keep only what says the stream's collection ended.
   */
  private guardOtherEvent(event: Document): Document | null {
    if (!LIFECYCLE_OPS.has(event.operationType)) return null;
    const out: Document = {};
    for (const key of ['_id', 'operationType', 'clusterTime', 'wallTime', 'ns'])
      if (event[key] !== undefined) out[key] = event[key];
    return out;
  }

  /** Whether a removal of this document may be sent without an image: only if the stream showed it before. */
  private mayRemove(event: Document): boolean {
    const id = idOf(event);
    return id !== undefined && this.shown.mayRemove(id, event._id);
  }

  /** A removal decided from the pre-image is being sent. */
  private removing(event: Document): void {
    const id = idOf(event);
    if (id !== undefined) this.shown.removed(id, event._id);
  }

  private matches(doc: unknown): boolean {
    return (
      doc !== null && typeof doc === 'object' && this.query!.test(normalizeNumbers(doc as Document), this.clusterTime)
    );
  }

  private applyRowFilter(event: Document): Document | null {
    const op = event.operationType;
    const pre = event.fullDocumentBeforeChange;
    const hasPre = pre !== null && typeof pre === 'object';
    if (op === 'insert') return this.matches(event.fullDocument) ? this.sent(event) : null;
    if (op === 'delete') {
      // With a pre-image the decision is exact. Without one, only a document this stream showed
      // may be named (or every one, when the access decision accepts that leak).
      if (hasPre ? !this.matches(pre) : !this.mayRemove(event) && !this.sendsUndecided) return null;
      if (hasPre) this.removing(event);
      const out = { ...event };
      if (!hasPre) delete out.fullDocumentBeforeChange;
      return out;
    }
    // update / replace
    const post = event.fullDocument;
    if (this.matches(post)) return this.sent(event);
    let wasIn: boolean | 'unknown';
    if (hasPre) wasIn = this.matches(pre);
    else if (
      op === 'update' &&
      post &&
      typeof post === 'object' &&
      this.filterPaths !== undefined &&
      !updateTouches(event.updateDescription, this.filterPaths)
    )
      wasIn = false; // membership cannot have changed, and it is out now
    else wasIn = 'unknown';
    if (wasIn === false) return null;
    // Without a pre-image, "may have been in scope" is told only for documents this stream showed:
    // other users' _ids never reach this stream.
    if (wasIn === 'unknown' && !this.mayRemove(event) && !this.sendsUndecided) return null;
    if (wasIn === true) this.removing(event);
    return removalOf(event);
  }

  private sent(event: Document): Document {
    // What was shown only matters to removals decided without an image; 'sendKey' never asks.
    if (this.sendsUndecided) return event;
    const id = idOf(event);
    if (id !== undefined) this.shown.showed(id, event._id);
    return event;
  }

  private project(event: Document): Document {
    const p = this.spec.projection!;
    const out: Document = { ...event };
    if (out.fullDocument && typeof out.fullDocument === 'object') out.fullDocument = p.apply(out.fullDocument);
    if (out.fullDocumentBeforeChange && typeof out.fullDocumentBeforeChange === 'object')
      out.fullDocumentBeforeChange = p.apply(out.fullDocumentBeforeChange);
    const ud = out.updateDescription as Document | undefined;
    if (ud && typeof ud === 'object') {
      const guarded: Document = {};
      const updated: Document = {};
      for (const [path, value] of Object.entries((ud.updatedFields ?? {}) as Document)) {
        const v = p.applyAt(path.split('.'), value);
        if (v !== undefined) setField(updated, path, v);
      }
      guarded.updatedFields = updated;
      guarded.removedFields = ((ud.removedFields ?? []) as unknown[]).filter(
        (path) => p.visibility(String(path).split('.')).kind !== 'none',
      );
      if (ud.truncatedArrays !== undefined)
        guarded.truncatedArrays = (ud.truncatedArrays as Array<{ field: string }>).filter(
          (t) => p.visibility(String(t.field).split('.')).kind !== 'none',
        );
      if (ud.disambiguatedPaths !== undefined) {
        const paths: Document = {};
        for (const [path, segs] of Object.entries(ud.disambiguatedPaths as Document))
          if (p.visibility(path.split('.')).kind !== 'none') setField(paths, path, segs);
        guarded.disambiguatedPaths = paths;
      }
      out.updateDescription = guarded;
    }
    return out;
  }

  private undoForcedOptions(event: Document): Document {
    const asked = this.spec.clientOptions;
    const out = { ...event };
    if ((asked.fullDocument === undefined || asked.fullDocument === 'default') && event.operationType === 'update')
      delete out.fullDocument;
    if (asked.fullDocumentBeforeChange === undefined || asked.fullDocumentBeforeChange === 'off')
      delete out.fullDocumentBeforeChange;
    return out;
  }

  private runPipeline(event: Document): Document | null {
    if (!this.pipeline) return event;
    const token = EJSON.stringify(event._id);
    const result = this.pipeline.run(event, this.clusterTime);
    if (!result) return null;
    // Same rule as MongoDB (error 280): the resume token must survive the client's stages.
    if (EJSON.stringify(result._id) !== token)
      throw new BridgeError('SERVER_ERROR', 'the pipeline modified the _id field (the resume token)', 280);
    return result;
  }
}

/** Events without a document that say the watched namespace ended; others are withheld on restricted streams. */
const LIFECYCLE_OPS = new Set(['drop', 'rename', 'dropDatabase', 'invalidate']);

/**
 * Documents one restricted stream remembers having shown, to decide removals when the collection
 * records no pre-images. Past it, the oldest are forgotten: their removals are withheld.
 */
export const MAX_SHOWN_IDS = 100_000;

function idOf(event: Document): string | undefined {
  const key = event.documentKey as Document | undefined;
  return key && key._id !== undefined ? valueKey(key._id) : undefined;
}

/** Session ids of the writer (the bridge's own, or any other client's) are never forwarded. */
function withoutSessionIds(event: Document): Document {
  if (event.lsid === undefined && event.txnNumber === undefined) return event;
  const { lsid: _lsid, txnNumber: _txn, ...rest } = event;
  return rest;
}

function changesNothingVisible(ud: unknown): boolean {
  if (ud === null || typeof ud !== 'object') return false;
  const d = ud as { updatedFields?: object; removedFields?: unknown[]; truncatedArrays?: unknown[] };
  return (
    Object.keys(d.updatedFields ?? {}).length === 0 &&
    (d.removedFields ?? []).length === 0 &&
    (d.truncatedArrays ?? []).length === 0
  );
}

/** A delete-shaped event that tells only which document left the client's scope. */
function removalOf(event: Document): Document {
  const removal: Document = { _id: event._id, operationType: 'delete' };
  for (const key of ['clusterTime', 'wallTime', 'ns', 'documentKey'])
    if (event[key] !== undefined) removal[key] = event[key];
  return removal;
}
