import { commandError } from '../errors.js';
import type { CommandHandler } from './CommandContext.js';

/**
 * Sessions are stateless here: lsid and txnNumber are accepted on every command and recorded on
 * oplog entries, so ending or killing sessions has nothing to release.
 */
export const endSessions: CommandHandler = () => ({});
export const killSessions: CommandHandler = () => ({});
export const killAllSessions: CommandHandler = () => ({});
export const refreshSessions: CommandHandler = () => ({});

/** Multi-document transactions are not supported; say so clearly instead of pretending. */
export const rejectTransaction: CommandHandler = () => {
  throw commandError(
    'IllegalOperation',
    'Transactions are not supported by the embedded MongoDB server (@mongo-live/embedded-mongo); run without a transaction or use a real replica set.',
  );
};
