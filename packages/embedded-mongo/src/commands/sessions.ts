import type { CommandHandler } from './CommandContext.js';

/**
 * Sessions are stateless here: lsid and txnNumber are accepted on every command and recorded on
 * oplog entries, so ending or killing sessions has nothing to release.
 */
export const endSessions: CommandHandler = () => ({});
export const killSessions: CommandHandler = () => ({});
export const killAllSessions: CommandHandler = () => ({});
export const refreshSessions: CommandHandler = () => ({});
