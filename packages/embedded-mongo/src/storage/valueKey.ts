import type { Document } from 'bson';

/**
 * A string that is equal for two BSON values exactly when MongoDB's index equality treats them as
 * equal: numbers compare across Int32/Long/Double/Decimal128, objects compare field by field in
 * order, null and missing are the same key. Used for `_id` lookup and unique indexes.
 */
export function valueKey(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'number':
      return numberKey(value);
    case 'string':
      return `s${value.length}:${value}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'bigint':
      return bigNumberKey(value);
    case 'object':
      return objectKey(value as Document);
    default:
      return `?${String(value)}`;
  }
}

function numberKey(n: number): string {
  if (Number.isNaN(n)) return 'nNaN';
  if (Object.is(n, -0)) return 'n0';
  return `n${n}`;
}

function bigNumberKey(n: bigint): string {
  const asNumber = Number(n);
  return BigInt(asNumber) === n ? numberKey(asNumber) : `n${n.toString()}`;
}

function objectKey(value: Document): string {
  if (Array.isArray(value)) return `a[${value.map(valueKey).join(',')}]`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof RegExp) return `r/${value.source}/${value.flags}`;
  switch (value._bsontype as string | undefined) {
    case 'ObjectId':
      return `o${value.toHexString()}`;
    case 'Long':
      return bigNumberKey(BigInt(value.toString()));
    case 'Int32':
    case 'Double':
      return numberKey(Number(value.valueOf()));
    case 'Decimal128': {
      const text = value.toString();
      const n = Number(text);
      return Number.isFinite(n) ? numberKey(n) : `n${text}`;
    }
    case 'Binary':
      return `x${value.sub_type}:${Buffer.from(value.buffer).toString('base64')}`;
    case 'Timestamp':
      return `t${value.toString()}`;
    case 'BSONRegExp':
      return `r/${value.pattern}/${value.options}`;
    case 'MinKey':
      return '-';
    case 'MaxKey':
      return '+';
    case 'Code':
      return `c${value.code}`;
    case 'BSONSymbol':
      return `s${value.value.length}:${value.value}`;
    case undefined: {
      let out = '{';
      for (const key of Object.keys(value)) {
        if (value[key] === undefined) continue;
        out += `${JSON.stringify(key)}:${valueKey(value[key])},`;
      }
      return `${out}}`;
    }
    default:
      return `?${String(value)}`;
  }
}
