import type { Document } from 'bson';
import { CommandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { evaluate } from './groupStage.js';
import type { PipelineContext } from './pipelineContext.js';

/** `{a: {b: expr}}` inside $addFields is a nested field spec; `{$op: ...}` is an expression. */
function isNestedSpec(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && !first.startsWith('$');
}

/**
 * Sets a computed value at a path in a copy of `target`. Arrays on the path get the rest of the
 * path applied to each element (non-documents become documents), as MongoDB's $addFields does.
 * `undefined` (e.g. `$$REMOVE`) removes the field.
 */
function setComputed(target: unknown, parts: readonly string[], value: unknown): unknown {
  if (Array.isArray(target)) return target.map((element) => setComputed(element, parts, value));
  const base: Document = isPlainObject(target) ? { ...target } : {};
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    if (value === undefined) delete base[head!];
    else base[head!] = value;
    return base;
  }
  base[head!] = setComputed(base[head!], rest, value);
  return base;
}

function collect(spec: Document, prefix: string[], out: Array<[string[], unknown]>): void {
  for (const [key, value] of Object.entries(spec)) {
    if (key.startsWith('$'))
      throw new CommandError(
        16410,
        'Location16410',
        `FieldPath field names may not start with '$'. Consider using $getField or $setField.`,
      );
    const parts = [...prefix, ...key.split('.')];
    if (isNestedSpec(value)) collect(value, parts, out);
    else out.push([parts, value]);
  }
}

/**
 * `$addFields` / `$set`: every expression is evaluated against the input document; existing fields
 * are replaced in place, new ones appended in spec order.
 */
export function addFieldsStage(docs: Document[], spec: unknown, ctx: PipelineContext): Document[] {
  if (!isPlainObject(spec))
    throw new CommandError(40272, 'Location40272', '$addFields specification stage must be an object');
  const fields: Array<[string[], unknown]> = [];
  collect(spec, [], fields);
  return docs.map((doc) => {
    let out: unknown = doc;
    for (const [parts, expr] of fields) out = setComputed(out, parts, evaluate(doc, expr, ctx));
    return out as Document;
  });
}
