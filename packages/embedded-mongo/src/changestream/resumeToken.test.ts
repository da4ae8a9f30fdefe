import { Timestamp } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors.js';
import {
  comparePositions,
  decodeResumeToken,
  encodeResumeToken,
  HIGH_WATER_MARK_STEP,
  highWaterMarkToken,
  INVALIDATE_STEP,
  previousTimestamp,
} from './resumeToken.js';

const position = fc
  .record({
    ts: fc.record({ t: fc.nat({ max: 0xffffffff }), i: fc.nat({ max: 0xffffffff }) }).map((x) => new Timestamp(x)),
    step: fc.oneof(fc.constantFrom(0, INVALIDATE_STEP, HIGH_WATER_MARK_STEP), fc.nat({ max: 5000 })),
    fragment: fc.option(fc.nat({ max: 100 }), { nil: undefined }),
    entryHash: fc.nat({ max: 0xffffffff }),
  })
  .map(({ fragment, ...rest }) =>
    fragment === undefined || rest.step === HIGH_WATER_MARK_STEP ? rest : { ...rest, fragment },
  );

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return e.code;
    throw e;
  }
  return undefined;
}

describe('resume tokens', () => {
  it('round-trip through their _data string', () => {
    fc.assert(
      fc.property(position, (p) => {
        const back = decodeResumeToken(encodeResumeToken(p));
        expect(back.ts.equals(p.ts)).toBe(true);
        expect(back.step).toBe(p.step);
        expect(back.fragment).toBe((p as { fragment?: number }).fragment);
        expect(back.entryHash).toBe(p.entryHash);
      }),
    );
  });

  it('sort as strings in the order of the positions they name', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const sa = encodeResumeToken(a)._data as string;
        const sb = encodeResumeToken(b)._data as string;
        const byPosition = Math.sign(comparePositions(a, b));
        if (byPosition !== 0) expect(sa < sb ? -1 : sa > sb ? 1 : 0).toBe(byPosition);
      }),
    );
  });

  it('start with the cluster time, like MongoDB tokens', () => {
    const token = highWaterMarkToken(new Timestamp({ t: 0x65000000, i: 7 }));
    expect(token._data).toMatch(/^826500000000000007/);
  });

  it('reject tokens this server did not issue, with MongoDB codes', () => {
    const good = encodeResumeToken({ ts: new Timestamp({ t: 1, i: 2 }), step: 0, entryHash: 42 })._data as string;
    expect(codeOf(() => decodeResumeToken({ _data: 5 }))).toBe(40647);
    expect(codeOf(() => decodeResumeToken({}))).toBe(40647);
    expect(codeOf(() => decodeResumeToken({ _data: '' }))).toBe(40649);
    expect(codeOf(() => decodeResumeToken({ _data: 'zz' }))).toBe(9);
    // A real MongoDB token: well-formed hex, but not one of ours.
    expect(codeOf(() => decodeResumeToken({ _data: '8265A1B2C3000000012B022C0100296E5A1004' }))).toBe(9);
    // One flipped digit breaks the checksum.
    const flipped = good.slice(0, 20) + (good[20] === '0' ? '1' : '0') + good.slice(21);
    expect(codeOf(() => decodeResumeToken({ _data: flipped }))).toBe(9);
    expect(codeOf(() => decodeResumeToken({ _data: good.toLowerCase() }))).toBeUndefined();
  });

  it('previousTimestamp steps back across the increment boundary', () => {
    expect(previousTimestamp(new Timestamp({ t: 5, i: 3 })).equals(new Timestamp({ t: 5, i: 2 }))).toBe(true);
    expect(previousTimestamp(new Timestamp({ t: 5, i: 0 })).equals(new Timestamp({ t: 4, i: 0xffffffff }))).toBe(true);
  });
});
