import { RE2JS } from 're2js';
import { BridgeError } from '../errors.js';
import { type EvaluationBudget, EvaluationError } from './EvaluationBudget.js';

/** Characters of input one budget operation pays for when a regex scans it. */
const CHARS_PER_OP = 512;

/**
 * A RegExp whose matching runs on RE2 (re2js: linear time in the input, no backtracking), so a
 * client's pattern such as `(a+)+$` cannot stall the event loop. It is a real `RegExp` (mingo
 * checks `instanceof`), but `exec` and `test` delegate to RE2 and charge the evaluation budget.
 * Patterns RE2 cannot run in linear time (backreferences, lookarounds) are refused up front.
 *
 * @example
 * const re = LinearRegExp.from(/^ab+c/i, budget);
 * re.test('ABBBC') // true, in time linear in the input
 */
export class LinearRegExp extends RegExp {
  private readonly re2: RE2JS;

  private constructor(
    source: string,
    flags: string,
    private readonly budget: EvaluationBudget,
  ) {
    super(source, flags);
    let re2Flags = 0;
    if (flags.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes('m')) re2Flags |= RE2JS.MULTILINE;
    if (flags.includes('s')) re2Flags |= RE2JS.DOTALL;
    try {
      this.re2 = RE2JS.compile(source, re2Flags);
    } catch (error) {
      throw new BridgeError(
        'INVALID_REQUEST',
        `regular expression /${source.slice(0, 100)}/ is not supported by the bridge's linear-time engine (no backreferences or lookarounds): ${(error as Error).message}`,
      );
    }
  }

  /**
   * A linear-time copy of `pattern` (a RegExp or a pattern string with MongoDB options). Throws
   * INVALID_REQUEST for options or syntax it cannot honor.
   */
  static from(pattern: RegExp | string, budget: EvaluationBudget, options = ''): LinearRegExp {
    if (pattern instanceof LinearRegExp && pattern.budget === budget) return pattern;
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    const given = typeof pattern === 'string' ? options : pattern.flags + options;
    for (const flag of given)
      if (!'imsu'.includes(flag))
        throw new BridgeError('INVALID_REQUEST', `regular expression option '${flag}' is not supported`);
    const flags = [...new Set(given)].join('');
    try {
      return new LinearRegExp(source, flags, budget);
    } catch (error) {
      if (error instanceof BridgeError) throw error;
      throw new BridgeError('INVALID_REQUEST', `invalid regular expression: ${(error as Error).message}`);
    }
  }

  override exec(input: string): RegExpExecArray | null {
    const text = String(input);
    const limit = this.budget.limits.maxRegexInputLength;
    if (text.length > limit)
      throw new EvaluationError(
        'LIMIT_EXCEEDED',
        `a regular expression was applied to a string of ${text.length} characters, over maxRegexInputLength (${limit})`,
      );
    const matcher = this.re2.matcher(text);
    const found = matcher.find();
    this.budget.charge(1 + Math.floor(text.length / CHARS_PER_OP));
    if (!found) return null;
    const groups: string[] = [matcher.group(0) ?? ''];
    for (let i = 1; i <= this.re2.groupCount(); i++) groups.push(matcher.group(i) as string);
    const result = groups as unknown as RegExpExecArray;
    result.index = matcher.start();
    result.input = text;
    return result;
  }

  override test(input: string): boolean {
    return this.exec(input) !== null;
  }

  /** Every match, in order, for `$regexFindAll` (RE2 resumes after each match itself). */
  execAll(input: string): RegExpExecArray[] {
    const first = this.exec(input); // checks the length and charges the budget once
    if (!first) return [];
    const matcher = this.re2.matcher(input);
    const out: RegExpExecArray[] = [];
    while (matcher.find()) {
      const groups: string[] = [matcher.group(0) ?? ''];
      for (let i = 1; i <= this.re2.groupCount(); i++) groups.push(matcher.group(i) as string);
      const m = groups as unknown as RegExpExecArray;
      m.index = matcher.start();
      m.input = input;
      out.push(m);
      this.budget.tick();
      this.budget.checkSize('$regexFindAll', out);
    }
    return out;
  }
}
