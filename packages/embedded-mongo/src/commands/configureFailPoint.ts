import type { Document } from 'bson';
import { commandError } from '../errors.js';
import type { CommandHandler } from './CommandContext.js';

/** configureFailPoint (admin, test command): only the `failCommand` fail point exists here. */
export const configureFailPoint: CommandHandler = (ctx) => {
  if (ctx.db !== 'admin')
    throw commandError('Unauthorized', 'configureFailPoint may only be run against the admin database.');
  const name = ctx.body.configureFailPoint;
  if (name !== 'failCommand') {
    throw commandError(
      'BadValue',
      `Unknown fail point: ${String(name)} (the embedded server supports 'failCommand' only)`,
    );
  }
  const count = ctx.server.failCommand.configure(ctx.body.mode, ctx.body.data as Document | undefined);
  return { count };
};
