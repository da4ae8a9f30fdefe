import type { Document } from 'bson';
import { commandError } from '../errors.js';
import type { CommandHandler } from './CommandContext.js';

/** configureFailPoint (admin, test command): `failCommand` and `failGetMoreAfterCursorCheckout`. */
export const configureFailPoint: CommandHandler = (ctx) => {
  if (ctx.db !== 'admin')
    throw commandError('Unauthorized', 'configureFailPoint may only be run against the admin database.');
  const name = ctx.body.configureFailPoint;
  const data = ctx.body.data as Document | undefined;
  if (name === 'failCommand') return { count: ctx.server.failCommand.configure(ctx.body.mode, data) };
  if (name === 'failGetMoreAfterCursorCheckout') {
    const count = ctx.server.failGetMoreAfterCursorCheckout.configure(ctx.body.mode, {
      ...data,
      failCommands: ['getMore'],
    });
    return { count };
  }
  throw commandError(
    'BadValue',
    `Unknown fail point: ${String(name)} (the embedded server supports 'failCommand' and 'failGetMoreAfterCursorCheckout')`,
  );
};
