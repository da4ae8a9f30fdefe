import type { Document } from 'bson';
import { CommandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { cloneValue } from '../cloneValue.js';
import { evaluate } from '../pipeline/groupStage.js';
import type { PipelineContext } from '../pipeline/pipelineContext.js';
import { type ParsedProjection, type ProjectionNode, parseProjection } from './parseProjection.js';

const NO_PIPELINE: PipelineContext = { run: () => [] };

function slice(value: unknown, node: Extract<ProjectionNode, { kind: 'slice' }>): unknown {
  if (!Array.isArray(value)) return value;
  if (node.skip === undefined)
    return node.limit >= 0 ? value.slice(0, node.limit) : value.slice(Math.max(0, value.length + node.limit));
  const start = node.skip >= 0 ? node.skip : Math.max(0, value.length + node.skip);
  return value.slice(start, start + node.limit);
}

/** Applies an inclusion sub-tree to a value; undefined when nothing of it is kept. */
function include(
  value: unknown,
  children: Map<string, ProjectionNode>,
  root: Document,
  computed: Array<[Document, string, unknown]>,
): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const element of value) {
      if (isPlainObject(element) || Array.isArray(element)) out.push(include(element, children, root, computed));
    }
    return out;
  }
  if (!isPlainObject(value)) return undefined;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    const node = children.get(key);
    if (!node) continue;
    const v = value[key];
    switch (node.kind) {
      case 'include':
        out[key] = cloneValue(v);
        break;
      case 'fields': {
        const sub = include(v, node.children, root, computed);
        if (sub !== undefined) out[key] = sub;
        break;
      }
      case 'slice':
        out[key] = cloneValue(slice(v, node));
        break;
      case 'elemMatch':
        if (Array.isArray(v)) {
          const hit = v.find(node.test);
          if (hit !== undefined) out[key] = [cloneValue(hit)];
        }
        break;
      default:
        break;
    }
  }
  // Computed fields (and sub-documents created only for them) come after the kept fields.
  for (const [key, node] of children) {
    if (node.kind === 'expr') computed.push([out, key, node.expr]);
    else if (node.kind === 'fields' && !(key in value) && hasComputed(node.children)) {
      out[key] = include({}, node.children, root, computed);
    }
  }
  return out;
}

function hasComputed(children: Map<string, ProjectionNode>): boolean {
  for (const node of children.values()) {
    if (node.kind === 'expr' || (node.kind === 'fields' && hasComputed(node.children))) return true;
  }
  return false;
}

function exclude(value: unknown, children: Map<string, ProjectionNode>): unknown {
  if (Array.isArray(value))
    return value.map((e) => (isPlainObject(e) || Array.isArray(e) ? exclude(e, children) : cloneValue(e)));
  if (!isPlainObject(value)) return cloneValue(value);
  const out: Document = {};
  for (const key of Object.keys(value)) {
    const node = children.get(key);
    const v = value[key];
    if (!node) out[key] = cloneValue(v);
    else if (node.kind === 'fields') out[key] = exclude(v, node.children);
    else if (node.kind === 'slice') out[key] = cloneValue(slice(v, node));
  }
  return out;
}

function project(doc: Document, parsed: ParsedProjection, ctx: PipelineContext = NO_PIPELINE): Document {
  if (!parsed.inclusion) return exclude(doc, parsed.root) as Document;
  const computed: Array<[Document, string, unknown]> = [];
  const body = include(doc, parsed.root, doc, computed) as Document;
  for (const [target, key, expr] of computed) {
    const v = evaluate(doc, expr, ctx);
    if (v !== undefined) target[key] = v;
  }
  if (!parsed.includeId || !('_id' in doc) || parsed.root.has('_id')) return body;
  return { _id: cloneValue(doc._id), ...body };
}

/**
 * Applies a find projection and returns a new document. Inclusion keeps `_id` unless `_id: 0`,
 * dotted paths reach through arrays of documents, `$slice` and `$elemMatch` select array elements,
 * other values are aggregation expressions. Mixing inclusion and exclusion is error 31254/31253.
 * The positional `a.$` form is not resolved against the query: it keeps the whole array `a`.
 */
export function applyProjection(doc: Document, projection: Document): Document {
  if (Object.keys(projection).length === 0) return cloneValue(doc);
  return project(doc, parseProjection(projection));
}

/**
 * The `$project` stage: the same inclusion/exclusion rules, `_id` first, included fields in
 * document order, then computed fields; `$slice`/`$elemMatch` here are expressions.
 */
export function projectStage(docs: Document[], spec: Document, ctx: PipelineContext): Document[] {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0)
    throw new CommandError(51272, 'Location51272', '$project requires at least one output field');
  const parsed = parseProjection(spec, { aggregation: true });
  return docs.map((doc) => project(doc, parsed, ctx));
}

/** Parses a projection once for many documents (cursors, live queries). */
export function compileProjection(projection: Document): (doc: Document) => Document {
  if (Object.keys(projection).length === 0) return cloneValue;
  const parsed = parseProjection(projection);
  return (doc) => project(doc, parsed);
}
