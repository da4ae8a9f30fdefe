// @mongo-live/embedded-mongo: the table of contents. Every name here is in README.md's `| export |`
// table (test/client/publicSurface.test.ts compares the two).
export { EmbeddedMongo, type EmbeddedMongoOptions } from './EmbeddedMongo.js';
