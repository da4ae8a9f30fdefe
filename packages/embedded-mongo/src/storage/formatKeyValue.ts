import type { Document } from 'bson';

/**
 * Renders index key values the way mongod prints them in E11000 messages:
 * `{ name: "x" }`, `{ _id: ObjectId('...') }`, `{ a: 1, b: null }`.
 */
export function formatKeyValue(keyValue: Document): string {
  const fields = Object.entries(keyValue).map(([key, value]) => `${key}: ${formatValue(value)}`);
  return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  const doc = value as Document;
  switch (doc._bsontype as string | undefined) {
    case 'ObjectId':
      return `ObjectId('${doc.toHexString()}')`;
    case 'Long':
    case 'Int32':
    case 'Double':
      return String(doc.toString());
    case 'Decimal128':
      return `Decimal128("${doc.toString()}")`;
    case 'Timestamp':
      return `Timestamp(${doc.high}, ${doc.low})`;
    case 'Binary':
      return `BinData(${doc.sub_type}, ${Buffer.from(doc.buffer).toString('hex').toUpperCase()})`;
    case undefined:
      return formatKeyValue(doc);
    default:
      return String(doc);
  }
}
