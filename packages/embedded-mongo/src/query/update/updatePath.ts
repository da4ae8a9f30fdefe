import type { Document } from 'bson';
import { CommandError, commandError } from '../../errors.js';
import { describeValue } from '../describeValue.js';
import { arrayIndexOf, getPathValue } from '../fieldPath.js';

/** One component of an update path. */
export type PathPart =
  | { kind: 'field'; name: string }
  | { kind: 'positional' } // $
  | { kind: 'all' } // $[]
  | { kind: 'filtered'; id: string }; // $[id]

const IDENTIFIER_RE = /^\$\[(.*)\]$/;

/** Parses and validates an update path such as `a.$[x].b` (identifiers are checked later). */
export function parseUpdatePath(path: string): PathPart[] {
  if (path === '') throw new CommandError(56, 'EmptyFieldName', 'An empty update path is not valid.');
  const names = path.split('.');
  let positionals = 0;
  const parts = names.map((name): PathPart => {
    if (name === '') {
      throw new CommandError(
        56,
        'EmptyFieldName',
        `The update path '${path}' contains an empty field name, which is not allowed.`,
      );
    }
    if (name === '$') {
      positionals++;
      return { kind: 'positional' };
    }
    const m = IDENTIFIER_RE.exec(name);
    if (m) return m[1] === '' ? { kind: 'all' } : { kind: 'filtered', id: m[1]! };
    return { kind: 'field', name };
  });
  if (positionals > 1)
    throw commandError('BadValue', `Too many positional (i.e. '$') elements found in path '${path}'`);
  if (names[0]!.startsWith('$')) {
    throw commandError(
      'DollarPrefixedFieldName',
      `The dollar ($) prefixed field '${names[0]}' in '${path}' is not valid for storage.`,
    );
  }
  return parts;
}

/** True when one of the dotted paths equals the other or is a prefix of it. */
function overlap(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Records the paths an update touches and rejects overlaps the way MongoDB does:
 * "Updating the path 'a.b' would create a conflict at 'a'" (ConflictingUpdateOperators).
 */
export class ConflictChecker {
  private readonly seen: string[][] = [];

  add(path: string): void {
    const parts = path.split('.');
    for (const other of this.seen) {
      if (overlap(parts, other)) {
        const at = (other.length <= parts.length ? other : parts).join('.');
        throw commandError(
          'ConflictingUpdateOperators',
          `Updating the path '${path}' would create a conflict at '${at}'`,
        );
      }
    }
    this.seen.push(parts);
  }
}

/** Resolves `$`: the index of the first element of the array at `prefix` that satisfies the query. */
export type PositionalResolver = (prefix: readonly string[]) => number | undefined;

/** Compiled array filters by identifier. */
export type ArrayFilterTests = ReadonlyMap<string, (element: unknown) => boolean>;

function positionalError(): CommandError {
  return commandError('BadValue', 'The positional operator did not find the match needed from the query.');
}

/**
 * Expands an update path against a document into the concrete paths it updates: `$` becomes the
 * matched index, `$[]` every index, `$[id]` every index whose element passes that array filter.
 */
export function expandPath(
  doc: Document,
  path: string,
  parts: readonly PathPart[],
  positional: PositionalResolver,
  arrayFilters: ArrayFilterTests,
): string[][] {
  const out: string[][] = [];
  const walk = (i: number, prefix: string[]): void => {
    if (i === parts.length) {
      out.push(prefix);
      return;
    }
    const part = parts[i]!;
    if (part.kind === 'field') {
      walk(i + 1, [...prefix, part.name]);
      return;
    }
    if (part.kind === 'positional') {
      const index = positional(prefix);
      if (index === undefined) throw positionalError();
      walk(i + 1, [...prefix, String(index)]);
      return;
    }
    const value = getPathValue(doc, prefix);
    if (value === undefined) {
      throw commandError(
        'BadValue',
        `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
      );
    }
    if (!Array.isArray(value)) {
      const name = prefix[prefix.length - 1] ?? '';
      throw commandError(
        'BadValue',
        `Cannot apply array updates to non-array element ${name}: ${describeValue(value)}`,
      );
    }
    const test = part.kind === 'filtered' ? arrayFilters.get(part.id) : undefined;
    if (part.kind === 'filtered' && !test)
      throw commandError('BadValue', `No array filter found for identifier '${part.id}' in path '${path}'`);
    value.forEach((element, index) => {
      if (!test || test(element)) walk(i + 1, [...prefix, String(index)]);
    });
  };
  walk(0, []);
  return out;
}

/** Order in which MongoDB applies updates to distinct paths: numeric names numerically, others as strings. */
export function comparePathsForApply(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xi = arrayIndexOf(x);
    const yi = arrayIndexOf(y);
    if (xi >= 0 && yi >= 0) return xi - yi;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
