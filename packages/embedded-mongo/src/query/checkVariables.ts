import { CommandError } from '../errors.js';
import { isPlainObject } from './bsonType.js';

/** Variables MongoDB defines in every aggregation expression. */
export const SYSTEM_VARIABLES: ReadonlySet<string> = new Set([
  'ROOT',
  'CURRENT',
  'REMOVE',
  'NOW',
  'CLUSTER_TIME',
  'DESCEND',
  'PRUNE',
  'KEEP',
  'USER_ROLES',
  'SEARCH_META',
]);

function undefinedVariable(name: string): CommandError {
  return new CommandError(17276, 'Location17276', `Use of undefined variable: ${name}`);
}

/**
 * Throws MongoDB's "Use of undefined variable" (17276) for a `$$name` in an aggregation
 * expression that names neither a system variable, nor one of `defined` (the command's `let`),
 * nor one bound around it by `$let`, `$map`, `$filter` or `$reduce`. MongoDB checks this when it
 * parses the pipeline, before any document flows; without it a typo (`$$clusterTime`) only fails
 * on the first document.
 *
 * @example
 * checkExpressionVariables({ t: '$$clusterTime' }, new Set()); // throws 17276
 */
export function checkExpressionVariables(expression: unknown, defined: ReadonlySet<string>): void {
  if (typeof expression === 'string') {
    if (!expression.startsWith('$$')) return;
    const name = expression.slice(2).split('.')[0]!;
    if (!SYSTEM_VARIABLES.has(name) && !defined.has(name)) throw undefinedVariable(name);
    return;
  }
  if (Array.isArray(expression)) {
    for (const item of expression) checkExpressionVariables(item, defined);
    return;
  }
  if (!isPlainObject(expression)) return;
  const keys = Object.keys(expression);
  const operator = keys.length === 1 ? keys[0] : undefined;
  const arg = operator === undefined ? undefined : expression[operator];
  if (operator === '$literal') return;
  if (operator && isPlainObject(arg)) {
    const scoped = scopedVariables(operator, arg);
    if (scoped) {
      for (const [key, value] of Object.entries(arg)) {
        checkExpressionVariables(value, scoped.inner.has(key) ? scoped.withVariables(defined) : defined);
      }
      return;
    }
  }
  for (const key of keys) checkExpressionVariables(expression[key], defined);
}

/** For the operators that bind variables: which of their arguments see them, and which names. */
function scopedVariables(
  operator: string,
  arg: Record<string, unknown>,
): { inner: Set<string>; withVariables: (outer: ReadonlySet<string>) => ReadonlySet<string> } | undefined {
  const bind = (names: string[]) => (outer: ReadonlySet<string>) => new Set([...outer, ...names]);
  switch (operator) {
    case '$let':
      return { inner: new Set(['in']), withVariables: bind(isPlainObject(arg.vars) ? Object.keys(arg.vars) : []) };
    case '$map':
      return { inner: new Set(['in']), withVariables: bind([typeof arg.as === 'string' ? arg.as : 'this']) };
    case '$filter':
      return { inner: new Set(['cond']), withVariables: bind([typeof arg.as === 'string' ? arg.as : 'this']) };
    case '$reduce':
      return { inner: new Set(['in']), withVariables: bind(['value', 'this']) };
    default:
      return undefined;
  }
}

/** `$match` filters are not expressions: only what is inside `$expr` is checked. */
export function checkFilterVariables(filter: unknown, defined: ReadonlySet<string>): void {
  if (Array.isArray(filter)) {
    for (const item of filter) checkFilterVariables(item, defined);
    return;
  }
  if (!isPlainObject(filter)) return;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$expr') checkExpressionVariables(value, defined);
    else if (key === '$and' || key === '$or' || key === '$nor') checkFilterVariables(value, defined);
  }
}
