import { bsonTypeOf, numericView } from '@mongo-live/bson-order';
import type { Binary } from 'bson';
import { commandError } from '../../errors.js';
import type { ValuePredicate } from './condition.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function integerOf(v: unknown): bigint | undefined {
  const n = numericView(v);
  if (!n) return undefined;
  if (n.big !== undefined) return n.big;
  const x = n.kind === 'decimal' ? Number(n.dec!.toString()) : n.num;
  if (!Number.isInteger(x)) return undefined;
  const big = BigInt(x);
  return big < INT64_MIN || big > INT64_MAX ? undefined : big;
}

function binaryBytes(v: unknown): Uint8Array | undefined {
  if (bsonTypeOf(v) !== 'binData') return undefined;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const b = v as Binary;
  return b.buffer.subarray(0, b.position);
}

/** Bit positions named by a bitmask argument: a non-negative integer, BinData or a list of positions. */
function positionsOf(op: string, arg: unknown): number[] {
  if (Array.isArray(arg)) {
    return arg.map((p) => {
      const n = integerOf(p);
      if (n === undefined || n < 0n)
        throw commandError('BadValue', `bit positions must be non-negative integers: ${op}`);
      return Number(n);
    });
  }
  const bytes = binaryBytes(arg);
  const positions: number[] = [];
  if (bytes) {
    bytes.forEach((byte, i) => {
      for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) positions.push(i * 8 + bit);
    });
    return positions;
  }
  const mask = integerOf(arg);
  if (mask === undefined)
    throw commandError('BadValue', `${op} takes an Array, a number, or a BinData but received: ${String(arg)}`);
  if (mask < 0n) throw commandError('BadValue', `${op} bitmask must be a non-negative integer`);
  for (let bit = 0; mask >> BigInt(bit) > 0n; bit++) if ((mask >> BigInt(bit)) & 1n) positions.push(bit);
  return positions;
}

function bitOf(v: unknown, position: number): boolean | undefined {
  const n = integerOf(v);
  if (n !== undefined) return position >= 64 ? n < 0n : ((n >> BigInt(position)) & 1n) === 1n;
  const bytes = binaryBytes(v);
  if (!bytes) return undefined;
  const byte = bytes[position >> 3];
  return byte !== undefined && (byte & (1 << (position & 7))) !== 0;
}

/** $bitsAllSet / $bitsAnySet / $bitsAllClear / $bitsAnyClear on integers (two's complement) and BinData. */
export function compileBitTest(op: string, arg: unknown): ValuePredicate {
  const positions = positionsOf(op, arg);
  const wantSet = op === '$bitsAllSet' || op === '$bitsAnySet';
  const all = op === '$bitsAllSet' || op === '$bitsAllClear';
  return (v) => {
    if (integerOf(v) === undefined && !binaryBytes(v)) return false;
    let any = false;
    for (const p of positions) {
      const ok = bitOf(v, p) === wantSet;
      if (all && !ok) return false;
      if (ok) any = true;
    }
    return all || any;
  };
}
