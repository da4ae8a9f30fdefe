import { type Document, Long } from 'bson';
import { commandError } from '../errors.js';

/** A numeric command argument as a JS number (accepts number, Long, Int32, Double, Decimal128). */
export function toNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object') {
    const bsontype = (value as Document)._bsontype;
    if (bsontype === 'Long' || bsontype === 'Int32' || bsontype === 'Double') return Number(value.valueOf());
    if (bsontype === 'Decimal128') return Number(String(value));
  }
  throw commandError('TypeMismatch', `Field '${name}' should be a number, but found ${bsonTypeName(value)}`);
}

/** Like toNumber, but truncated to an integer. */
export function toInteger(value: unknown, name: string): number | undefined {
  const n = toNumber(value, name);
  return n === undefined ? undefined : Math.trunc(n);
}

/** The collection named by the command's first field, e.g. `{ find: 'users' }`. */
export function collectionNameOf(body: Document, command: string): string {
  const name = body[command];
  if (typeof name !== 'string') {
    throw commandError('InvalidNamespace', `collection name has invalid type ${bsonTypeName(name)}`);
  }
  if (name.length === 0) throw commandError('InvalidNamespace', `Invalid namespace specified '${String(body.$db)}.'`);
  return name;
}

/** An optional document argument; TypeMismatch when present but not an object. */
export function optionalDocument(body: Document, field: string): Document | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || value._bsontype) {
    throw commandError(
      'TypeMismatch',
      `BSON field '${field}' is the wrong type '${bsonTypeName(value)}', expected type 'object'`,
    );
  }
  return value as Document;
}

/** An optional boolean argument (numbers count as booleans, as mongod allows). */
export function optionalBoolean(body: Document, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  const n = toNumber(value, field);
  return n !== undefined && n !== 0;
}

/** `cursor.batchSize` of find-like commands. */
export function cursorBatchSize(body: Document): number | undefined {
  const cursor = body.cursor as Document | undefined;
  const batchSize = toInteger(cursor?.batchSize, 'cursor.batchSize');
  if (batchSize !== undefined && batchSize < 0) {
    throw commandError('BadValue', `BSON field 'batchSize' value must be >= 0, actual value '${batchSize}'`);
  }
  return batchSize;
}

/** A cursor id argument (getMore, killCursors) as a Long. */
export function toCursorId(value: unknown, name: string): Long {
  if (Long.isLong(value)) return value;
  if (typeof value === 'number' && Number.isInteger(value)) return Long.fromNumber(value);
  throw commandError('TypeMismatch', `Field '${name}' must be of type long in: ${name}`);
}

/** MongoDB's name for the type of a value, for error messages. */
export function bsonTypeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  const bsontype = (value as Document)._bsontype as string | undefined;
  if (bsontype) {
    const names: Record<string, string> = {
      ObjectId: 'objectId',
      Long: 'long',
      Int32: 'int',
      Double: 'double',
      Decimal128: 'decimal',
      Binary: 'binData',
      Timestamp: 'timestamp',
      BSONRegExp: 'regex',
    };
    return names[bsontype] ?? bsontype.toLowerCase();
  }
  return 'object';
}

/** Fields every command may carry that are not command options (sessions, read/write concern...). */
const GENERIC_FIELDS = new Set([
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  '$clusterTime',
  '$readPreference',
  'readConcern',
  'writeConcern',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'comment',
  '$db',
  'maxTimeMS',
  'clientOperationKey',
]);

/** The command's own options: the body without its name field and the generic fields. */
export function commandOptions(body: Document, command: string): Document {
  const options: Document = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== command && !GENERIC_FIELDS.has(key)) options[key] = value;
  }
  return options;
}
