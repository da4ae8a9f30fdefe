import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useDriverFixture } from '../../testing/driverFixture.js';
import { BoundedRegex, hasNestedQuantifier } from './BoundedRegex.js';
import { toRegExp } from './regex.js';

// A backtracking engine needs ~2^n steps for these: with native RegExp each call would hang the
// process (and this test would time out instead of passing).
const EVIL = ['(a+)+$', '(a|aa)+$', '^(\\w+\\s?)*$', '(x+x+)+y'];
const INPUT = `${'a'.repeat(40_000)}!`;

describe('BoundedRegex', () => {
  it('runs catastrophic patterns in linear time and still matches what they match', () => {
    for (const pattern of EVIL) expect(toRegExp(pattern, '').test(INPUT), pattern).toBe(false);
    expect(toRegExp('(a+)+$', '').test('aaa')).toBe(true);
    expect(toRegExp('^AB', 'i').test('abc')).toBe(true);
    expect(toRegExp('^b', 'm').test('a\nb')).toBe(true);
    expect(toRegExp('a.b', 's').test('a\nb')).toBe(true);
    expect(toRegExp('[[:digit:]]+', '').test('x42')).toBe(true);
  });

  it('runs backreferences and lookarounds natively unless quantifiers nest, and refuses invalid patterns', () => {
    expect(toRegExp('(ab)\\1', '').test('xabab')).toBe(true);
    expect(toRegExp('foo(?=bar)', '').test('foobar')).toBe(true);
    expect(toRegExp('foo(?!bar)', '').test('foobar')).toBe(false);
    expect(() => toRegExp('((a+)+)\\1', '')).toThrow(/linear time/);
    expect(() => toRegExp('(?=(a*)*b)', '')).toThrow(/linear time/);
    expect(() => toRegExp('(unclosed', '')).toThrow(/Regular expression is invalid/);
  });

  it('reports matches with their index and groups', () => {
    const re = BoundedRegex.compile('(b)(x)?', '');
    expect(re.exec('abcb')).toEqual({ index: 1, groups: ['b', 'b', undefined] });
    expect(re.exec('abcb', 2)).toEqual({ index: 3, groups: ['b', 'b', undefined] });
    expect(re.exec('zzz')).toBeNull();
  });

  it('tells nested quantifiers from flat ones', () => {
    for (const p of ['(a+)+', '(a|b)*', '(?:x*y)+', '((a)b*){2}', '(a?)?'])
      expect(hasNestedQuantifier(p), p).toBe(true);
    for (const p of ['a+b*', '(ab)+', '(?:abc)?', '[(a+)]+', '\\(a+\\)+', '(a)\\1', '(?=a)b+'])
      expect(hasNestedQuantifier(p), p).toBe(false);
  });
});

const fx = useDriverFixture('regex');

describe('regexes through the driver', () => {
  it('find, $match and $regexMatch/$regexFind/$regexFindAll answer catastrophic patterns without stalling', async () => {
    const coll = fx.freshDb().collection('c');
    await coll.insertMany([
      { _id: 1 as never, s: INPUT },
      { _id: 2 as never, s: 'aaa' },
      { _id: 3 as never, s: 'xé1é22' },
    ]);
    expect(await coll.find({ s: { $regex: '(a+)+$' } }).toArray()).toEqual([{ _id: 2, s: 'aaa' }]);
    expect(await coll.countDocuments({ s: /(a|aa)+$/ })).toBe(1);
    const rows = await coll
      .aggregate([
        { $match: { _id: { $in: [1, 3] } } },
        {
          $project: {
            m: { $regexMatch: { input: '$s', regex: '(a+)+$' } },
            f: { $regexFind: { input: '$s', regex: /é(\d)(x)?/ } },
            all: { $regexFindAll: { input: '$s', regex: '\\d+' } },
          },
        },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: 1, m: false, f: null, all: [] },
      {
        _id: 3,
        m: false,
        f: { match: 'é1', idx: 1, captures: ['1', null] },
        all: [
          { match: '1', idx: 2, captures: [] },
          { match: '22', idx: 4, captures: [] },
        ],
      },
    ]);
  });

  it('refuses a backtracking-only pattern that nests quantifiers with BadValue', async () => {
    const coll = fx.freshDb().collection('c');
    await coll.insertOne({ s: 'x' });
    const error = await coll
      .find({ s: { $regex: '((a+)+)\\1' } })
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).codeName).toBe('BadValue');
  });
});
