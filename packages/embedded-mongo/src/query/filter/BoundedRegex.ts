import { RE2JS } from 're2js';
import { commandError } from '../../errors.js';

/** What a match reports: where it starts (UTF-16 index) and its capture groups. */
export interface RegexMatch {
  readonly index: number;
  /** Group 0 is the whole match; unmatched groups are undefined. */
  readonly groups: readonly (string | undefined)[];
}

/**
 * True when a quantified group contains a quantifier (`(a+)+`, `(a|aa)*`, `(?:x*y?){2,}`): the
 * shape that makes a backtracking engine take exponential time. Character classes and escapes are
 * skipped; this is conservative (it may flag harmless patterns), never the other way round.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  // Per open group: whether it holds a quantifier or an alternation.
  const groups: boolean[] = [];
  let lastClosedHeld = false;
  let afterGroup = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const quantifier = c === '*' || c === '+' || c === '?' || c === '{';
    if (quantifier && afterGroup && lastClosedHeld && !(c === '?' && pattern[i - 1] === '(')) return true;
    afterGroup = false;
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (c === '(') {
      groups.push(false);
    } else if (c === ')') {
      lastClosedHeld = groups.pop() ?? false;
      if (lastClosedHeld && groups.length > 0) groups[groups.length - 1] = true;
      afterGroup = true;
    } else if ((quantifier || c === '|') && groups.length > 0) {
      // `(?` opens a group modifier, not a quantifier.
      if (!(c === '?' && pattern[i - 1] === '(')) groups[groups.length - 1] = true;
    }
  }
  return false;
}

/**
 * A MongoDB regular expression with bounded matching time: RE2 (re2js, linear in the input) for
 * every pattern it can run; the native engine only for patterns RE2 refuses (backreferences,
 * lookarounds) that do not nest quantifiers. Built by `toRegExp`.
 *
 * @example
 * const re = BoundedRegex.compile('(a+)+$', '', '(a+)+$');
 * re.test('a'.repeat(10_000) + '!') // false, in linear time
 */
export class BoundedRegex {
  private constructor(
    /** The pattern as the client wrote it (before `x` stripping): what stored regexes compare with. */
    readonly source: string,
    readonly flags: string,
    private readonly re2: RE2JS | undefined,
    private readonly native: RegExp | undefined,
  ) {}

  static compile(body: string, flags: string, source = body): BoundedRegex {
    let re2Flags = 0;
    if (flags.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes('m')) re2Flags |= RE2JS.MULTILINE;
    if (flags.includes('s')) re2Flags |= RE2JS.DOTALL;
    try {
      return new BoundedRegex(source, flags, RE2JS.compile(body, re2Flags), undefined);
    } catch {
      // RE2 cannot run it (backreference, lookaround, or invalid): see whether the native engine can.
    }
    let native: RegExp;
    try {
      native = new RegExp(body, flags);
    } catch (e) {
      throw commandError('BadValue', `Regular expression is invalid: ${(e as Error).message}`);
    }
    if (hasNestedQuantifier(body)) {
      throw commandError(
        'BadValue',
        'Regular expression is invalid: the embedded server runs regular expressions in linear time (RE2); ' +
          'a pattern with backreferences or lookarounds must not nest quantifiers, since that can take exponential time',
      );
    }
    return new BoundedRegex(source, flags, undefined, native);
  }

  /** True when the pattern matches somewhere in `input`. */
  test(input: string): boolean {
    if (this.re2) return this.re2.test(input);
    this.native!.lastIndex = 0;
    return this.native!.test(input);
  }

  /** The first match at or after UTF-16 index `from`, or null. */
  exec(input: string, from = 0): RegexMatch | null {
    if (this.re2) {
      const matcher = this.re2.matcher(input);
      if (!matcher.find(from)) return null;
      const groups: (string | undefined)[] = [];
      for (let g = 0; g <= this.re2.groupCount(); g++) groups.push(matcher.group(g) ?? undefined);
      return { index: matcher.start(), groups };
    }
    const sticky = new RegExp(this.native!.source, `${this.native!.flags}g`);
    sticky.lastIndex = from;
    const found = sticky.exec(input);
    return found ? { index: found.index, groups: [...found] } : null;
  }
}
