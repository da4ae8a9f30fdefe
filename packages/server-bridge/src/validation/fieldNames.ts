import { BridgeError } from '../errors.js';

/**
 * Names that reach `Object.prototype` (or a constructor) when a path is walked or assigned with
 * plain property access. Refused as a key, as a segment of a dotted path and after leading `$`s
 * (`$__proto__`, `$$ROOT.constructor`): no client-supplied path may name them.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `name`, a key or a dotted path (possibly `$`-prefixed), names a forbidden key. */
export function namesForbiddenKey(name: string): boolean {
  // Cheap exit for the common case: no forbidden word anywhere.
  if (!name.includes('proto') && !name.includes('constructor')) return false;
  for (const segment of name.split('.')) if (FORBIDDEN_KEYS.has(segment.replace(/^\$+/, ''))) return true;
  return false;
}

/**
 * Throws INVALID_REQUEST when a client-supplied key or path names a forbidden key.
 *
 * @example
 * assertSafeName('__proto__.ssn', 'projection') // throws: forbidden key '__proto__' in projection
 */
export function assertSafeName(name: string, where: string): void {
  if (namesForbiddenKey(name))
    throw new BridgeError('INVALID_REQUEST', `forbidden key in '${name.slice(0, 100)}' at ${where}`);
}

/**
 * Sets an own, enumerable property, also for the key `__proto__` (which plain assignment would
 * turn into a prototype change): for objects built from keys the bridge does not control, such
 * as the fields of a stored document or of an `updateDescription`.
 *
 * @example
 * const out = {}; setField(out, '__proto__', { x: 1 }); Object.keys(out) // ['__proto__']
 */
export function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
