export { EmbeddedMongo, type EmbeddedMongoOptions } from './EmbeddedMongo.js';
export { CommandError, commandError, ErrorCode } from './errors.js';
