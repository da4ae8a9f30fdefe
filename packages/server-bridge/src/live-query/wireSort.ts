// The one implementation lives in the protocol, shared with the browser client so that server-built
// query keys equal the browser's.
export { toWireSort } from '@mongo-live/protocol';
