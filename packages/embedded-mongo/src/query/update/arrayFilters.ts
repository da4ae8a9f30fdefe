import type { Document } from 'bson';
import { commandError } from '../../errors.js';
import { isPlainObject } from '../bsonType.js';
import { describeValue } from '../describeValue.js';
import { compileFilter } from '../filter/compileFilter.js';
import type { ArrayFilterTests } from './updatePath.js';

const IDENTIFIER_RE = /^[a-z][a-zA-Z0-9]*$/;

function parseError(message: string): never {
  throw commandError('FailedToParse', `Error parsing array filter :: caused by :: ${message}`);
}

/** Compiles `arrayFilters`: each filter names one identifier and is tested against `{<id>: element}`. */
export function compileArrayFilters(
  filters: readonly Document[] | undefined,
  collation?: Document,
): Map<string, (e: unknown) => boolean> {
  const out = new Map<string, (e: unknown) => boolean>();
  for (const filter of filters ?? []) {
    if (!isPlainObject(filter)) throw commandError('TypeMismatch', 'Each array filter must be an object');
    let id: string | undefined;
    for (const key of Object.keys(filter)) {
      if (key.startsWith('$')) parseError('Cannot use an expression without a top-level field name in arrayFilters');
      const name = key.split('.')[0]!;
      if (id !== undefined && id !== name)
        parseError(`Expected a single top-level field name, found '${id}' and '${name}'`);
      id = name;
    }
    if (id === undefined)
      throw commandError('FailedToParse', 'Cannot use an expression without a top-level field name in arrayFilters');
    if (!IDENTIFIER_RE.test(id))
      throw commandError(
        'BadValue',
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`,
      );
    if (out.has(id))
      throw commandError('FailedToParse', `Found multiple array filters with the same top-level field name ${id}`);
    const test = compileFilter(filter, collation ? { collation } : {});
    const name = id;
    out.set(name, (element) => test({ [name]: element }));
  }
  return out;
}

/** Rejects array filters that no `$[<id>]` of the update used, as MongoDB does. */
export function checkArrayFiltersUsed(tests: ArrayFilterTests, used: ReadonlySet<string>, update: Document): void {
  for (const id of tests.keys()) {
    if (!used.has(id))
      throw commandError(
        'FailedToParse',
        `The array filter for identifier '${id}' was not used in the update ${describeValue(update)}`,
      );
  }
}
