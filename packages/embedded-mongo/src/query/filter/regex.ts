import { bsonTag } from '@mongo-live/bson-order';
import type { BSONRegExp } from 'bson';
import { commandError } from '../../errors.js';
import { BoundedRegex } from './BoundedRegex.js';

/** Removes whitespace and `#` comments outside character classes (PCRE's extended mode, `x`). */
function stripExtended(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/**
 * Builds a regular expression from a MongoDB pattern and options (i, m, s, x; u is implied).
 * Matching runs on RE2 (re2js), in time linear in the input, so a pattern such as `(a+)+$`
 * cannot stall the server (which shares its process with tests and demos). Patterns only a
 * backtracking engine can run (backreferences, lookarounds) run on the native engine unless they
 * also nest quantifiers, the shape of exponential backtracking: those are refused (BadValue).
 * Invalid patterns are BadValue errors, as the server reports them.
 */
export function toRegExp(pattern: string, options: string): BoundedRegex {
  let flags = '';
  let body = pattern;
  for (const option of options) {
    if (option === 'i' || option === 'm' || option === 's') {
      if (!flags.includes(option)) flags += option;
    } else if (option === 'x') {
      body = stripExtended(body);
    } else if (option !== 'u' && option !== 'g') {
      throw commandError('BadValue', `invalid flag in regex options: ${option}`);
    }
  }
  return BoundedRegex.compile(body, flags, pattern);
}
/** Pattern and options of a RegExp or a bson BSONRegExp, or undefined for other values. */
export function regexSource(v: unknown): { pattern: string; options: string } | undefined {
  if (v instanceof RegExp) return { pattern: v.source, options: v.flags.replace(/[gyuvd]/g, '') };
  if (typeof v === 'object' && v !== null && bsonTag(v) === 'BSONRegExp') {
    const r = v as BSONRegExp;
    return { pattern: r.pattern, options: r.options };
  }
  return undefined;
}

/** True for a regular expression value (RegExp or BSONRegExp). */
export function isRegexValue(v: unknown): boolean {
  return regexSource(v) !== undefined;
}

/** A predicate testing strings (and symbols) against `re`; a stored regex equal to it matches too. */
export function regexPredicate(re: BoundedRegex): (v: unknown) => boolean {
  const source = re.source;
  const flags = re.flags;
  return (v) => {
    if (typeof v === 'string') return re.test(v);
    if (typeof v !== 'object' || v === null) return false;
    if (bsonTag(v) === 'BSONSymbol') return re.test(String((v as { value: unknown }).value));
    const r = regexSource(v);
    return r !== undefined && r.pattern === source && [...r.options].sort().join('') === [...flags].sort().join('');
  };
}
