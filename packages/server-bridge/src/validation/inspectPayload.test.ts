import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { inspectPayload } from './inspectPayload.js';

const limits = { maxPayloadBytes: 1000, maxDepth: 5 };

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof BridgeError ? error.code : 'other';
  }
}

describe('inspectPayload', () => {
  it('accepts ordinary JSON', () => {
    expect(() => inspectPayload({ a: [1, 'x', null, true, { b: 2 }] }, limits)).not.toThrow();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s at any depth', (key) => {
    const payload = JSON.parse(`{"a":[{"b":{"${key}":{"polluted":true}}}]}`);
    expect(() => inspectPayload(payload, limits)).toThrow(new RegExp(`forbidden key '${key}' at a\\[0\\]\\.b`));
  });

  it.each(['__proto__.ssn', 'a.constructor.prototype.polluted', '$__proto__', '$$constructor', 'x.prototype'])(
    'refuses the dotted or $-prefixed key %s',
    (key) => {
      expect(codeOf(() => inspectPayload({ p: { [key]: 1 } }, limits))).toBe('INVALID_REQUEST');
    },
  );

  it.each(['$constructor', '$a.__proto__.b', '$$ROOT.constructor.prototype'])(
    'refuses the field path %s as a value',
    (path) => {
      expect(codeOf(() => inspectPayload({ $addFields: { x: path } }, limits))).toBe('INVALID_REQUEST');
    },
  );

  it('accepts keys and strings that merely contain the words', () => {
    expect(() =>
      inspectPayload(
        { protocol: 'constructor', constructors: 1, 'a.prototypes': '$prototyped', s: 'x.__proto__' },
        limits,
      ),
    ).not.toThrow();
  });

  it('refuses payloads nested deeper than maxDepth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 6; i++) deep = { d: deep };
    expect(codeOf(() => inspectPayload(deep, limits))).toBe('LIMIT_EXCEEDED');
    let deepArray: unknown = 1;
    for (let i = 0; i < 6; i++) deepArray = [deepArray];
    expect(codeOf(() => inspectPayload(deepArray, limits))).toBe('LIMIT_EXCEEDED');
  });

  it('refuses oversized payloads, strings or many keys alike', () => {
    expect(codeOf(() => inspectPayload({ s: 'x'.repeat(2000) }, limits))).toBe('LIMIT_EXCEEDED');
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 1]));
    expect(codeOf(() => inspectPayload(wide, limits))).toBe('LIMIT_EXCEEDED');
  });

  it('refuses binary data, class instances and non-finite numbers', () => {
    expect(codeOf(() => inspectPayload({ b: Buffer.from('x') }, limits))).toBe('INVALID_REQUEST');
    expect(codeOf(() => inspectPayload({ d: new Date() }, limits))).toBe('INVALID_REQUEST');
    expect(codeOf(() => inspectPayload({ n: Number.NaN }, limits))).toBe('INVALID_REQUEST');
  });
});
