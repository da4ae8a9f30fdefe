import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { checkArrayFiltersUsed, compileArrayFilters } from './arrayFilters.js';
import { arrayOperators } from './arrayOperators.js';
import { fieldOperators } from './fieldOperators.js';
import type { UpdateEnv, UpdateOperator } from './operatorTypes.js';
import { locate } from './pathAccess.js';
import { positionalResolver } from './positional.js';
import { applyRename, parseRename, type RenameSpec } from './rename.js';
import { ConflictChecker, comparePathsForApply, expandPath, type PathPart, parseUpdatePath } from './updatePath.js';

const OPERATORS: Readonly<Record<string, UpdateOperator>> = { ...fieldOperators, ...arrayOperators };

/** One field of one operator, validated. */
type Entry =
  | { kind: 'op'; op: string; path: string; parts: PathPart[]; operator: UpdateOperator; prepared: unknown }
  | { kind: 'rename'; path: string; spec: RenameSpec };

/** Options of {@link applyOperatorUpdate}. */
export interface OperatorUpdateOptions {
  arrayFilters?: Document[];
  isUpsertInsert?: boolean;
  query?: Document;
}

function unknownModifier(name: string): never {
  throw commandError(
    'FailedToParse',
    `Unknown modifier: ${name}. Expected a valid update modifier or pipeline-style update specified as an array`,
  );
}

function parseEntries(update: Document, isUpsertInsert: boolean, usedIds: Set<string>): Entry[] {
  const conflicts = new ConflictChecker();
  const entries: Entry[] = [];
  for (const [op, fields] of Object.entries(update)) {
    if (op !== '$rename' && !(op in OPERATORS)) unknownModifier(op);
    if (!isPlainObject(fields)) {
      throw commandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${typeof fields === 'number' ? 'int' : typeof fields} instead. For example: {$mod: {<field>: ...}} not {${op}: ${String(fields)}}`,
      );
    }
    for (const [path, arg] of Object.entries(fields)) {
      if (op === '$rename') {
        const spec = parseRename(path, arg);
        conflicts.add(path);
        conflicts.add(arg as string);
        entries.push({ kind: 'rename', path: arg as string, spec });
        continue;
      }
      const parts = parseUpdatePath(path);
      for (const p of parts) if (p.kind === 'filtered') usedIds.add(p.id);
      conflicts.add(path);
      const operator = OPERATORS[op]!;
      const prepared = operator.prepare(arg, path);
      if (op === '$setOnInsert' && !isUpsertInsert) continue;
      entries.push({ kind: 'op', op, path, parts, operator, prepared });
    }
  }
  return entries;
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Applies an operator update (`{$set: ..., $inc: ...}`) to `doc` in place (the caller passes a
 * private copy). Paths are validated and checked for conflicts first; positional paths are
 * resolved against the document as it was; then fields are updated in MongoDB's order (by path,
 * numeric names numerically), which decides where new fields land.
 */
export function applyOperatorUpdate(
  doc: Document,
  update: Document,
  options: OperatorUpdateOptions,
  env: UpdateEnv,
): void {
  const usedIds = new Set<string>();
  const entries = parseEntries(update, options.isUpsertInsert === true, usedIds);
  const filters = compileArrayFilters(options.arrayFilters);
  checkArrayFiltersUsed(filters, usedIds, update);
  const positional = positionalResolver(doc, options.query);

  const steps: Array<{ concrete: string[]; entry: Entry }> = [];
  for (const entry of entries) {
    if (entry.kind === 'rename') {
      steps.push({ concrete: entry.spec.to, entry });
      continue;
    }
    const simple = entry.parts.every((p) => p.kind === 'field');
    const concretes = simple ? [entry.path.split('.')] : expandPath(doc, entry.path, entry.parts, positional, filters);
    for (const concrete of concretes) steps.push({ concrete, entry });
  }
  steps.sort((a, b) => comparePathsForApply(a.concrete, b.concrete));
  // Distinct update paths can still meet once `$[]`/`$[id]`/`$` are resolved.
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!;
    const step = steps[i]!;
    if (prev.entry !== step.entry && overlaps(prev.concrete, step.concrete)) {
      const at = (prev.concrete.length <= step.concrete.length ? prev.concrete : step.concrete).join('.');
      throw commandError('ConflictingUpdateOperators', `Update created a conflict at '${at}'`);
    }
  }

  for (const { concrete, entry } of steps) {
    if (entry.kind === 'rename') {
      applyRename(doc, entry.spec);
      continue;
    }
    const slot = locate(doc, concrete, entry.operator.creates);
    entry.operator.apply(slot, entry.prepared, env, concrete.join('.'));
  }
}
