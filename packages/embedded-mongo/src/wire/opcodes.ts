/** Wire protocol opcodes the embedded server speaks (MongoDB wire protocol). */
export const OpCode = {
  /** Legacy reply, only sent in answer to OP_QUERY (the driver's first hello). */
  Reply: 1,
  /** Legacy query; drivers use it for the very first handshake only. */
  Query: 2004,
  /** Compressed wrapper; never negotiated by this server. */
  Compressed: 2012,
  /** The modern message: flag bits + sections. */
  Msg: 2013,
} as const;

/** OP_MSG flag bits. */
export const MsgFlag = {
  /** A CRC-32C checksum follows the sections. */
  ChecksumPresent: 1 << 0,
  /** The sender will send another message without waiting for a reply (w:0, exhaust streams). */
  MoreToCome: 1 << 1,
  /** The client accepts several replies to one request (awaitable hello streaming). */
  ExhaustAllowed: 1 << 16,
} as const;

/** Size of the standard message header: length, requestID, responseTo, opCode. */
export const HEADER_SIZE = 16;

/** Largest message accepted; also what hello advertises as maxMessageSizeBytes. */
export const MAX_MESSAGE_SIZE = 48_000_000;

/** Largest document, as advertised by hello. */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/** Largest write batch, as advertised by hello. */
export const MAX_WRITE_BATCH_SIZE = 100_000;
