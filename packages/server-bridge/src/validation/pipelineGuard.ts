import { BridgeError } from '../errors.js';

/** Stages a client may append to a change stream: they only reshape or filter the event itself. */
export const ALLOWED_STAGES: ReadonlySet<string> = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
]);

/**
 * Operators refused at ANY depth (inside `$expr`, `$let`, arrays, nested objects...): they read
 * other collections, write, run JavaScript, or expose server internals.
 */
export const FORBIDDEN_OPERATORS: ReadonlySet<string> = new Set([
  '$lookup',
  '$graphLookup',
  '$unionWith',
  '$out',
  '$merge',
  '$function',
  '$accumulator',
  '$where',
  // Extended JSON for BSON JavaScript code: would reach the server as runnable code.
  '$code',
  '$facet',
  '$documents',
  '$changeStream',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$collStats',
  '$indexStats',
  '$planCacheStats',
  '$search',
  '$searchMeta',
  '$vectorSearch',
]);

/**
 * Checks a client pipeline (canonical EJSON, before decoding) against the allowlist of stages and
 * the denylist of operators at every depth. Throws a {@link BridgeError}: INVALID_REQUEST for a
 * malformed stage, UNAUTHORIZED for a stage or operator clients may not use, LIMIT_EXCEEDED for
 * too many stages.
 *
 * @example
 * guardPipeline([{ $match: { $expr: { $function: {} } } }], 20) // throws UNAUTHORIZED naming $function
 */
export function guardPipeline(pipeline: readonly unknown[], maxStages: number): void {
  if (pipeline.length > maxStages)
    throw new BridgeError('LIMIT_EXCEEDED', `pipeline has ${pipeline.length} stages, at most ${maxStages} allowed`);
  pipeline.forEach((stage, i) => {
    if (stage === null || typeof stage !== 'object' || Array.isArray(stage))
      throw new BridgeError('INVALID_REQUEST', `pipeline[${i}] must be an object with one stage`);
    const names = Object.keys(stage);
    if (names.length !== 1)
      throw new BridgeError('INVALID_REQUEST', `pipeline[${i}] must have exactly one stage, found ${names.length}`);
    const name = names[0]!;
    if (!ALLOWED_STAGES.has(name))
      throw new BridgeError(
        'UNAUTHORIZED',
        `pipeline stage ${name} (pipeline[${i}]) is not allowed; allowed: ${[...ALLOWED_STAGES].join(', ')}`,
      );
    const body = (stage as Record<string, unknown>)[name];
    checkShape(name, body, i);
    guardOperators(body, `pipeline[${i}].${name}`);
  });
}

/** The argument shapes MongoDB accepts for each allowed stage, checked before anything runs. */
function checkShape(name: string, body: unknown, i: number): void {
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
  let ok = true;
  if (name === '$match' || name === '$project' || name === '$addFields' || name === '$set') ok = isObject;
  else if (name === '$unset')
    ok =
      typeof body === 'string' || (Array.isArray(body) && body.length > 0 && body.every((f) => typeof f === 'string'));
  else if (name === '$replaceRoot')
    ok = isObject && Object.keys(body as object).length === 1 && 'newRoot' in (body as object);
  if (!ok) throw new BridgeError('INVALID_REQUEST', `pipeline[${i}]: invalid argument for ${name}`);
}

/**
 * Refuses forbidden operators anywhere inside `value` (a filter, projection or stage body).
 *
 * @example
 * guardOperators({ $or: [{ a: 1 }, { $where: 'sleep(1)' }] }, 'filter') // throws UNAUTHORIZED naming $where
 */
export function guardOperators(value: unknown, path: string): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], path: `${item.path}[${i}]` });
      continue;
    }
    for (const [key, child] of Object.entries(v)) {
      const childPath = `${item.path}.${key}`;
      if (FORBIDDEN_OPERATORS.has(key))
        throw new BridgeError('UNAUTHORIZED', `operator ${key} is not allowed for clients (at ${childPath})`);
      stack.push({ value: child, path: childPath });
    }
  }
}
