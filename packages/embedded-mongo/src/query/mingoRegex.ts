import { evalExpr } from 'mingo/core';
import type { Any, AnyObject, Options } from 'mingo/types';
import { CommandError } from '../errors.js';
import { isPlainObject } from './bsonType.js';
import type { BoundedRegex } from './filter/BoundedRegex.js';
import { regexSource, toRegExp } from './filter/regex.js';

/**
 * `$regexMatch`, `$regexFind` and `$regexFindAll` on the server's bounded regex engine (mingo's
 * own use native RegExp, which a pattern such as `(a+)+$` can stall). Results as MongoDB
 * reports them: `{ match, idx, captures }` with `idx` in code points, unmatched groups null.
 */
type ExpressionFn = (obj: AnyObject, expr: Any, options: Options) => Any;

function locationError(code: number, message: string): CommandError {
  return new CommandError(code, `Location${code}`, message);
}

/** The regex and input of a call, or undefined when the input is null or missing. */
function prepare(name: string, obj: AnyObject, expr: Any, options: Options) {
  if (!isPlainObject(expr))
    throw locationError(51103, `${name} expects an object of named arguments but found: ${typeof expr}`);
  const args = evalExpr(obj, expr, options) as { input?: unknown; regex?: unknown; options?: unknown };
  let pattern: string;
  let flags = '';
  const source = regexSource(args.regex);
  if (source) {
    pattern = source.pattern;
    flags = source.options;
    if (typeof args.options === 'string' && args.options !== '' && flags !== '')
      throw locationError(51075, `${name}: found regex option(s) specified in both 'regex' and 'option' fields`);
  } else if (typeof args.regex === 'string') {
    pattern = args.regex;
  } else if (args.regex === null || args.regex === undefined) {
    return undefined;
  } else {
    throw locationError(51105, `${name} needs 'regex' to be of type string or regex`);
  }
  if (args.options !== undefined && args.options !== null) {
    if (typeof args.options !== 'string') throw locationError(51106, `${name} needs 'options' to be of type string`);
    flags ||= args.options;
  }
  if (args.input === null || args.input === undefined) return undefined;
  if (typeof args.input !== 'string') throw locationError(51104, `${name} needs 'input' to be of type string`);
  return { re: toRegExp(pattern, flags), input: args.input };
}

function codePointIndex(input: string, utf16Index: number): number {
  let n = 0;
  for (let i = 0; i < utf16Index; i++) {
    const c = input.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

function find(re: BoundedRegex, input: string, from: number) {
  const m = re.exec(input, from);
  if (!m) return undefined;
  const match = m.groups[0] ?? '';
  return {
    end: m.index + match.length,
    result: { match, idx: codePointIndex(input, m.index), captures: m.groups.slice(1).map((g) => g ?? null) },
  };
}

export const regexExpressions: Record<`$${string}`, ExpressionFn> = {
  $regexMatch: (obj, expr, options) => {
    const call = prepare('$regexMatch', obj, expr, options);
    return call ? call.re.test(call.input) : false;
  },
  $regexFind: (obj, expr, options) => {
    const call = prepare('$regexFind', obj, expr, options);
    return call ? (find(call.re, call.input, 0)?.result ?? null) : null;
  },
  $regexFindAll: (obj, expr, options) => {
    const call = prepare('$regexFindAll', obj, expr, options);
    if (!call) return [];
    const out: unknown[] = [];
    let from = 0;
    while (from <= call.input.length) {
      const found = find(call.re, call.input, from);
      if (!found) break;
      out.push(found.result);
      // An empty match moves on by one character, as mongod does.
      from = found.result.match === '' ? found.end + 1 : found.end;
    }
    return out;
  },
};
