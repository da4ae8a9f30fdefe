import type { Document } from 'bson';
import { toInteger } from '../commands/commandArguments.js';
import { commandError } from '../errors.js';

/** What an armed `failCommand` fail point does to a matching command. */
export interface FailCommandAction {
  errorCode?: number;
  errmsg?: string;
  errorLabels?: string[];
  closeConnection: boolean;
  blockTimeMS: number;
  writeConcernError?: Document;
}

type Mode = { kind: 'off' } | { kind: 'alwaysOn' } | { kind: 'times'; left: number } | { kind: 'skip'; left: number };

/**
 * The `failCommand` fail point (configureFailPoint), as in mongod's test commands: makes listed
 * commands fail with an error, close the connection, block, or carry a writeConcernError.
 */
export class FailCommandPoint {
  private mode: Mode = { kind: 'off' };
  private commands = new Set<string>();
  private appName: string | undefined;
  private action: FailCommandAction | undefined;
  private timesEntered = 0;

  /** Applies `{ mode, data }`; returns how often the previous setting fired. */
  configure(mode: unknown, data: Document | undefined): number {
    const entered = this.timesEntered;
    this.timesEntered = 0;
    this.mode = parseMode(mode);
    if (this.mode.kind === 'off') {
      this.action = undefined;
      this.commands.clear();
      return entered;
    }
    const failCommands = data?.failCommands;
    if (!Array.isArray(failCommands) || failCommands.some((c) => typeof c !== 'string')) {
      throw commandError('BadValue', "'failCommands' must be an array of command names");
    }
    this.commands = new Set(failCommands as string[]);
    this.appName = typeof data?.appName === 'string' ? data.appName : undefined;
    const errorCode = toInteger(data?.errorCode, 'errorCode');
    const blockTimeMS = data?.blockConnection === true ? (toInteger(data.blockTimeMS, 'blockTimeMS') ?? 0) : 0;
    this.action = {
      ...(errorCode !== undefined ? { errorCode } : {}),
      ...(typeof data?.errmsg === 'string' ? { errmsg: data.errmsg } : {}),
      ...(Array.isArray(data?.errorLabels) ? { errorLabels: data.errorLabels as string[] } : {}),
      closeConnection: data?.closeConnection === true,
      blockTimeMS,
      ...(data?.writeConcernError ? { writeConcernError: data.writeConcernError as Document } : {}),
    };
    return entered;
  }

  /** The action for this command, if the fail point fires for it (consumes one of `times`). */
  match(command: string, appName: string | undefined): FailCommandAction | undefined {
    if (this.mode.kind === 'off' || !this.action || !this.commands.has(command)) return undefined;
    if (this.appName !== undefined && this.appName !== appName) return undefined;
    if (this.mode.kind === 'skip') {
      if (this.mode.left > 0) {
        this.mode.left--;
        return undefined;
      }
    } else if (this.mode.kind === 'times') {
      this.mode.left--;
      if (this.mode.left <= 0) this.mode = { kind: 'off' };
    }
    this.timesEntered++;
    return this.action;
  }
}

function parseMode(mode: unknown): Mode {
  if (mode === 'off') return { kind: 'off' };
  if (mode === 'alwaysOn') return { kind: 'alwaysOn' };
  if (mode && typeof mode === 'object') {
    const times = toInteger((mode as Document).times, 'times');
    if (times !== undefined) return times > 0 ? { kind: 'times', left: times } : { kind: 'off' };
    const skip = toInteger((mode as Document).skip, 'skip');
    if (skip !== undefined) return { kind: 'skip', left: skip };
  }
  throw commandError('BadValue', `Invalid fail point mode: ${JSON.stringify(mode)}`);
}
