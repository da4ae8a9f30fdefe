import { BSON, type Document } from 'bson';
import { decodeNumbers } from './decodeNumbers.js';
import { MalformedMessageError } from './MessageFramer.js';
import { HEADER_SIZE, MsgFlag, OpCode } from './opcodes.js';

/** A decoded client request: one command with its document sequences merged into the body. */
export interface WireRequest {
  requestId: number;
  opCode: typeof OpCode.Query | typeof OpCode.Msg;
  /** OP_MSG flag bits (0 for OP_QUERY). */
  flags: number;
  /** The command document, e.g. `{ insert: 'c', documents: [...], $db: 'test' }`. */
  body: Document;
  /** Target database (`$db`, or the namespace prefix of an OP_QUERY). */
  db: string;
}

// Keep int64 values as Long so they round-trip (cursor ids, user data); buffers stay Binary.
// Values are not promoted so that integral doubles can be told from int32 (see decodeNumbers).
const DESERIALIZE = { promoteLongs: false, promoteBuffers: false, promoteValues: false } as const;

/** Decodes one whole message (header included). Throws MalformedMessageError on bad bytes. */
export function parseRequest(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OpCode.Msg) return parseMsg(message, requestId);
  if (opCode === OpCode.Query) return parseQuery(message, requestId);
  throw new MalformedMessageError(`unsupported opCode ${opCode}`);
}

function readDocument(message: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new MalformedMessageError('truncated BSON document');
  const size = message.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new MalformedMessageError('invalid BSON document size');
  try {
    const doc = decodeNumbers(BSON.deserialize(message.subarray(offset, offset + size), DESERIALIZE));
    return { doc, next: offset + size };
  } catch (error) {
    throw new MalformedMessageError(`invalid BSON: ${(error as Error).message}`);
  }
}

function readCString(message: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = message.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new MalformedMessageError('unterminated cstring');
  return { value: message.toString('utf8', offset, zero), next: zero + 1 };
}

function parseMsg(message: Buffer, requestId: number): WireRequest {
  if (message.length < HEADER_SIZE + 5) throw new MalformedMessageError('OP_MSG too short');
  const flags = message.readUInt32LE(HEADER_SIZE);
  const end = flags & MsgFlag.ChecksumPresent ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = message[offset++];
    if (kind === 0) {
      if (body) throw new MalformedMessageError('OP_MSG has two body sections');
      const read = readDocument(message, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new MalformedMessageError('truncated document sequence');
      const sectionEnd = offset + message.readInt32LE(offset);
      if (sectionEnd > end || sectionEnd < offset + 5)
        throw new MalformedMessageError('invalid document sequence size');
      const id = readCString(message, offset + 4, sectionEnd);
      const docs: Document[] = [];
      let at = id.next;
      while (at < sectionEnd) {
        const read = readDocument(message, at, sectionEnd);
        docs.push(read.doc);
        at = read.next;
      }
      sequences.push([id.value, docs]);
      offset = sectionEnd;
    } else {
      throw new MalformedMessageError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new MalformedMessageError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    const existing = body[identifier];
    body[identifier] = Array.isArray(existing) ? [...existing, ...docs] : docs;
  }
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  return { requestId, opCode: OpCode.Msg, flags, body, db };
}

function parseQuery(message: Buffer, requestId: number): WireRequest {
  const end = message.length;
  const ns = readCString(message, HEADER_SIZE + 4, end);
  const read = readDocument(message, ns.next + 8, end);
  // Drivers may wrap the command as { $query: {...}, $readPreference }.
  const query = read.doc.$query && typeof read.doc.$query === 'object' ? (read.doc.$query as Document) : read.doc;
  const dot = ns.value.indexOf('.');
  const db = dot < 0 ? ns.value : ns.value.slice(0, dot);
  return { requestId, opCode: OpCode.Query, flags: 0, body: query, db };
}
