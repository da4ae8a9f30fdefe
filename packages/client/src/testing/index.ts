export {
  createTestLiveClient,
  type TestCollection,
  type TestLiveClient,
  type TestLiveClientOptions,
  type TestServer,
} from './createTestLiveClient.js';
export type { SeedData } from './MemoryDatabase.js';
export { MemoryTransport } from './MemoryTransport.js';
