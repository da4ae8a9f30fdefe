import { bsonTypeOf } from '@mongo-live/bson-order';
import type { Document } from 'bson';
import { CommandError } from '../../errors.js';
import { isNumeric, isPlainObject } from '../bsonType.js';
import { compileElementMatcher } from '../filter/elementMatcher.js';
import { toJsNumber } from '../numeric.js';

/** What a projection does to one field. */
export type ProjectionNode =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'fields'; children: Map<string, ProjectionNode> }
  | { kind: 'slice'; skip: number | undefined; limit: number }
  | { kind: 'elemMatch'; test: (element: unknown) => boolean }
  | { kind: 'expr'; expr: unknown };

/** A parsed find projection. */
export interface ParsedProjection {
  /** True: only listed fields are kept; false: listed fields are removed. */
  inclusion: boolean;
  root: Map<string, ProjectionNode>;
  /** Whether `_id` is output. */
  includeId: boolean;
}

function collision(path: string, remaining?: string): CommandError {
  return new CommandError(
    31250,
    'Location31250',
    remaining ? `Path collision at ${path} remaining portion ${remaining}` : `Path collision at ${path}`,
  );
}

function truthyFlag(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (isNumeric(v)) return toJsNumber(v) !== 0;
  return undefined;
}

function parseSlice(path: string, arg: unknown): ProjectionNode {
  if (Array.isArray(arg)) {
    if (arg.length !== 2)
      throw new CommandError(28724, 'Location28724', `$slice array argument must be of form [skip, limit] at ${path}`);
    const skip = toJsNumber(arg[0]);
    const limit = toJsNumber(arg[1]);
    if (skip === undefined || limit === undefined)
      throw new CommandError(28724, 'Location28724', '$slice array wrong size');
    if (limit <= 0) throw new CommandError(28724, 'Location28724', `$slice limit must be positive at ${path}`);
    return { kind: 'slice', skip: Math.trunc(skip), limit: Math.trunc(limit) };
  }
  const n = toJsNumber(arg);
  if (n === undefined)
    throw new CommandError(
      28667,
      'Location28667',
      `Invalid $slice syntax at ${path}: argument must be a number or [skip, limit]`,
    );
  return { kind: 'slice', skip: undefined, limit: Math.trunc(n) };
}

/** Parses the value given for one projected path. */
function parseValue(path: string, value: unknown, aggregation: boolean): ProjectionNode | Document {
  const flag = truthyFlag(value);
  if (flag !== undefined) return flag ? { kind: 'include' } : { kind: 'exclude' };
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0)
      throw new CommandError(
        51270,
        'Location51270',
        `An empty sub-projection is not a valid value. Found empty object at path ${path}`,
      );
    // In aggregation, $slice and $elemMatch are expressions, not projection operators.
    if (keys[0] === '$slice' && !aggregation) return parseSlice(path, value.$slice);
    if (keys[0] === '$elemMatch' && !aggregation) {
      if (!isPlainObject(value.$elemMatch))
        throw new CommandError(2, 'BadValue', 'elemMatch: Invalid argument, object required.');
      if (path.includes('.'))
        throw new CommandError(2, 'BadValue', 'Cannot use $elemMatch projection on a nested field.');
      const test = compileElementMatcher(value.$elemMatch);
      return { kind: 'elemMatch', test };
    }
    if (keys[0] === '$meta') return { kind: 'exclude' };
    if (keys[0]!.startsWith('$')) return { kind: 'expr', expr: value };
    return value; // nested sub-projection {a: {b: 1}}
  }
  return { kind: 'expr', expr: value };
}

function insert(root: Map<string, ProjectionNode>, parts: string[], node: ProjectionNode, fullPath: string): void {
  let level = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const existing = level.get(parts[i]!);
    if (existing && existing.kind !== 'fields')
      throw collision(parts.slice(0, i + 1).join('.'), parts.slice(i + 1).join('.'));
    if (!existing) {
      const created: ProjectionNode = { kind: 'fields', children: new Map() };
      level.set(parts[i]!, created);
      level = created.children;
    } else {
      level = existing.children;
    }
  }
  const last = parts[parts.length - 1]!;
  if (level.has(last)) throw collision(fullPath);
  level.set(last, node);
}

/**
 * Parses a find projection: inclusion or exclusion (not both, except `_id`), dotted and nested
 * paths, `$slice`, `$elemMatch`, expressions. Positional `a.$` is treated as including `a` whole.
 */
export function parseProjection(projection: Document, options: { aggregation?: boolean } = {}): ParsedProjection {
  const root = new Map<string, ProjectionNode>();
  let mode: 'inclusion' | 'exclusion' | undefined;
  let includeId = true;
  let idNamed = false;
  const visit = (spec: Document, prefix: string[]): void => {
    for (const [key, value] of Object.entries(spec)) {
      let parts = [...prefix, ...key.split('.')];
      if (parts[parts.length - 1] === '$') parts = parts.slice(0, -1); // positional: whole array
      const path = parts.join('.');
      const parsed = parseValue(path, value, options.aggregation === true);
      if (!('kind' in parsed) || typeof parsed.kind !== 'string') {
        visit(parsed as Document, parts);
        continue;
      }
      const node = parsed as ProjectionNode;
      if (path === '_id' && (node.kind === 'include' || node.kind === 'exclude')) {
        includeId = node.kind === 'include';
        idNamed = includeId;
        if (!includeId) root.set('_id', node);
        continue;
      }
      const nodeMode = node.kind === 'exclude' ? 'exclusion' : node.kind === 'slice' ? undefined : 'inclusion';
      if (nodeMode && mode && nodeMode !== mode) {
        throw nodeMode === 'exclusion'
          ? new CommandError(31254, 'Location31254', `Cannot do exclusion on field ${path} in inclusion projection`)
          : new CommandError(31253, 'Location31253', `Cannot do inclusion on field ${path} in exclusion projection`);
      }
      mode ??= nodeMode;
      insert(root, parts, node, path);
    }
  };
  if (!isPlainObject(projection))
    throw new CommandError(2, 'BadValue', `projection must be an object, not ${bsonTypeOf(projection)}`);
  visit(projection, []);
  // `{_id: 1}` alone is an inclusion projection that keeps only `_id`.
  const inclusion = mode === 'inclusion' || (mode === undefined && idNamed && root.size === 0);
  return { inclusion, root, includeId };
}
