import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { describeValue } from '../describeValue.js';
import { locate, readSlot, removeSlot, setIn, slotExists } from './pathAccess.js';
import { parseUpdatePath } from './updatePath.js';

/** A validated `$rename` of one field. */
export interface RenameSpec {
  from: string[];
  to: string[];
}

/** Validates `{$rename: {from: 'to'}}` for one field, as MongoDB does before touching documents. */
export function parseRename(from: string, to: unknown): RenameSpec {
  if (typeof to !== 'string')
    throw commandError('BadValue', `The 'to' field for $rename must be a string: ${from}: ${describeValue(to)}`);
  const fromParts = parseUpdatePath(from);
  const toParts = parseUpdatePath(to);
  if (fromParts.some((p) => p.kind !== 'field'))
    throw commandError('BadValue', `The source field for $rename may not be dynamic: ${from}`);
  if (toParts.some((p) => p.kind !== 'field'))
    throw commandError('BadValue', `The destination field for $rename may not be dynamic: ${to}`);
  if (from === to)
    throw commandError(
      'BadValue',
      `The source and target field for $rename must differ: ${from}: ${JSON.stringify(to)}`,
    );
  const a = from.split('.');
  const b = to.split('.');
  const n = Math.min(a.length, b.length);
  if (a.slice(0, n).join('.') === b.slice(0, n).join('.'))
    throw commandError(
      'BadValue',
      `The source and target field for $rename must not be on the same path: ${from}: ${JSON.stringify(to)}`,
    );
  return { from: a, to: b };
}

function throughArray(doc: Document, parts: readonly string[]): string | undefined {
  let current: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(current)) return parts.slice(0, i).join('.');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[parts[i]!];
  }
  return undefined;
}

function arrayElementError(which: 'source' | 'destination', path: readonly string[], arrayAt: string): never {
  throw commandError(
    'PathNotViable',
    `The ${which} field cannot be an array element, '${path.join('.')}' has an array field called '${arrayAt}'`,
  );
}

/** Moves a field: no-op when the source is missing; array elements cannot be renamed. */
export function applyRename(doc: Document, spec: RenameSpec): void {
  const sourceArray = throughArray(doc, spec.from);
  if (sourceArray !== undefined) arrayElementError('source', spec.from, sourceArray);
  const source = locate(doc, spec.from, false);
  if (!source || !slotExists(source)) return;
  const targetArray = throughArray(doc, spec.to);
  if (targetArray !== undefined) arrayElementError('destination', spec.to, targetArray);
  const value = readSlot(source);
  removeSlot(source);
  const target = locate(doc, spec.to, true)!;
  setIn(target.parent, target.key, value);
}
