import type { Document } from 'bson';
import type { CommandHandler } from './CommandContext.js';

/**
 * Sessions hold nothing but their transaction: ending or killing a session aborts its open
 * transaction (lsid and txnNumber are otherwise accepted and not recorded).
 */
export const endSessions: CommandHandler = (ctx) => {
  const lsids = ctx.body.endSessions;
  if (Array.isArray(lsids)) ctx.server.transactions.endSessions(lsids as Document[]);
  return {};
};
export const killSessions: CommandHandler = (ctx) => {
  const lsids = ctx.body.killSessions;
  if (Array.isArray(lsids)) ctx.server.transactions.endSessions(lsids as Document[]);
  return {};
};
export const killAllSessions: CommandHandler = (ctx) => {
  ctx.server.transactions.abortAll();
  return {};
};
export const refreshSessions: CommandHandler = () => ({});
