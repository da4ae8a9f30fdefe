import { Decimal128 } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ExactDecimal, exactDecimal } from './decimal.js';

/** The decimal as a string bson parses back (`coef E exp`). */
function render(d: ExactDecimal): string {
  if (d.kind === 'nan') return 'NaN';
  if (d.kind === 'inf') return d.negative ? '-Infinity' : 'Infinity';
  return `${d.negativeZero ? '-' : ''}${d.coef}E${d.exp}`;
}

describe('exactDecimal', () => {
  it('reads the coefficient and exponent as stored', () => {
    expect(exactDecimal(Decimal128.fromString('5.00'))).toEqual({ kind: 'finite', coef: 500n, exp: -2 });
    expect(exactDecimal(Decimal128.fromString('-1.2E+5'))).toEqual({ kind: 'finite', coef: -12n, exp: 4 });
    expect(exactDecimal(Decimal128.fromString('-0'))).toEqual({ kind: 'finite', coef: 0n, exp: 0, negativeZero: true });
    expect(exactDecimal(Decimal128.fromString('NaN'))).toEqual({ kind: 'nan' });
    expect(exactDecimal(Decimal128.fromString('-Infinity'))).toEqual({ kind: 'inf', negative: true });
    const max = '9999999999999999999999999999999999E6111';
    expect(render(exactDecimal(Decimal128.fromString(max)))).toBe(max);
  });

  it('reads a non-canonical coefficient (above 10^34 - 1) as zero, like the server', () => {
    const bytes = new Uint8Array(16).fill(0xff);
    bytes[15] = 0x30; // positive, exponent 0 (biased 6176), coefficient bits all set: 2^113 - 1
    bytes[14] = 0x41;
    expect(exactDecimal(new Decimal128(bytes))).toEqual({ kind: 'finite', coef: 0n, exp: 0 });
    expect(new Decimal128(bytes).toString()).toBe('0');
  });

  it('agrees with bson on every canonical value (property)', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: -(10n ** 34n) + 1n, max: 10n ** 34n - 1n }), fc.integer({ min: -6176, max: 6111 }))
      .map(([coef, exp]) => Decimal128.fromString(`${coef}E${exp}`));
    fc.assert(
      fc.property(decimal, (d) => {
        expect(Decimal128.fromString(render(exactDecimal(d))).toString()).toBe(d.toString());
      }),
      { numRuns: 1000 },
    );
  });
});
