import { BSON, type Document } from 'bson';
import { HEADER_SIZE, MsgFlag, OpCode } from './opcodes.js';

const SERIALIZE = { ignoreUndefined: true } as const;

/** Serializes a reply; those past the serializer's default buffer (~17 MB, e.g. a split event's fragment) get a buffer of their size. */
function serializeReply(reply: Document): Buffer {
  try {
    return BSON.serialize(reply, SERIALIZE) as Buffer;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const buffer = Buffer.alloc(BSON.calculateObjectSize(reply, SERIALIZE));
    const end = BSON.serializeWithBufferAndIndex(reply, buffer, SERIALIZE);
    return buffer.subarray(0, end + 1);
  }
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const head = Buffer.allocUnsafe(HEADER_SIZE);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

/** An OP_MSG reply with one body section; `moreToCome` marks a streamed (exhaust) reply. */
export function encodeMsgReply(requestId: number, responseTo: number, reply: Document, moreToCome = false): Buffer {
  const doc = serializeReply(reply);
  const length = HEADER_SIZE + 4 + 1 + doc.length;
  const prefix = Buffer.allocUnsafe(5);
  prefix.writeUInt32LE(moreToCome ? MsgFlag.MoreToCome : 0, 0);
  prefix[4] = 0;
  return Buffer.concat([header(length, requestId, responseTo, OpCode.Msg), prefix, doc], length);
}

/** An OP_REPLY carrying one document: the answer to a legacy OP_QUERY command. */
export function encodeLegacyReply(requestId: number, responseTo: number, reply: Document): Buffer {
  const doc = serializeReply(reply);
  const length = HEADER_SIZE + 20 + doc.length;
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(8, 0); // AwaitCapable, as mongod sets it
  // cursorID (8 bytes) = 0, startingFrom = 0
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(length, requestId, responseTo, OpCode.Reply), fields, doc], length);
}
