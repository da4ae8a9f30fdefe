import { BridgeError } from '../errors.js';
import { namesForbiddenKey } from './fieldNames.js';

export { FORBIDDEN_KEYS } from './fieldNames.js';

export interface PayloadLimits {
  maxPayloadBytes: number;
  maxDepth: number;
}

/**
 * Checks a raw incoming value before any schema sees it: only JSON types, no forbidden keys (as a
 * key, a segment of a dotted key such as `'__proto__.ssn'`, a `$`-prefixed key, or a segment of a
 * `$`-string field path such as `'$constructor.prototype'`), bounded size (an estimate of its JSON length) and nesting depth. Walks iteratively and stops
 * at the first violation, so a hostile payload costs at most `maxPayloadBytes` of work.
 *
 * @example
 * inspectPayload(JSON.parse('{"a":{"__proto__":1}}'), limits) // throws INVALID_REQUEST naming a.__proto__
 */
export function inspectPayload(value: unknown, limits: PayloadLimits): void {
  let bytes = 0;
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (v === null || typeof v === 'boolean') bytes += 5;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw invalid(`non-finite number at ${where(item.path)}`);
      bytes += 8;
    } else if (typeof v === 'string') {
      // A string starting with `$` is a field path or variable in an expression.
      if (v.startsWith('$') && namesForbiddenKey(v)) throw invalid(`forbidden field path at ${where(item.path)}`);
      bytes += v.length + 2;
    } else if (typeof v === 'object') {
      const depth = item.depth + 1;
      if (depth > limits.maxDepth)
        throw new BridgeError('LIMIT_EXCEEDED', `payload nested deeper than ${limits.maxDepth} levels`);
      if (Array.isArray(v)) {
        bytes += 2 + v.length;
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, path: `${item.path}[${i}]` });
      } else {
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null)
          throw invalid(`only JSON values are accepted (binary or class instance at ${where(item.path)})`);
        bytes += 2;
        for (const key of Object.keys(v)) {
          const path = item.path ? `${item.path}.${key}` : key;
          if (namesForbiddenKey(key)) throw invalid(`forbidden key '${key.slice(0, 100)}' at ${path.slice(0, 200)}`);
          bytes += key.length + 4;
          stack.push({ value: (v as Record<string, unknown>)[key], depth, path });
        }
      }
    } else throw invalid(`unsupported value of type ${typeof v} at ${where(item.path)}`);
    if (bytes > limits.maxPayloadBytes)
      throw new BridgeError('LIMIT_EXCEEDED', `payload larger than maxPayloadBytes (${limits.maxPayloadBytes} bytes)`);
  }
}

function where(path: string): string {
  return path === '' ? 'the top level' : path;
}

function invalid(message: string): BridgeError {
  return new BridgeError('INVALID_REQUEST', message);
}
