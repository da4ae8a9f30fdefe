import type { CommandHandler } from '../commands/CommandContext.js';
import {
  buildInfo,
  connectionStatus,
  getCmdLineOpts,
  getLog,
  getParameter,
  hostInfo,
  ping,
  replSetGetStatus,
  serverStatus,
  whatsmyuri,
} from '../commands/diagnostics.js';
import { hello } from '../commands/hello.js';
import { endSessions, killAllSessions, killSessions, refreshSessions } from '../commands/sessions.js';

/** Every command the server knows, by the name clients send (case-sensitive, as in mongod). */
export const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map<string, CommandHandler>([
  ['hello', hello],
  ['isMaster', hello],
  ['ismaster', hello],
  ['ping', ping],
  ['buildInfo', buildInfo],
  ['buildinfo', buildInfo],
  ['getParameter', getParameter],
  ['hostInfo', hostInfo],
  ['serverStatus', serverStatus],
  ['whatsmyuri', whatsmyuri],
  ['getCmdLineOpts', getCmdLineOpts],
  ['connectionStatus', connectionStatus],
  ['replSetGetStatus', replSetGetStatus],
  ['getLog', getLog],
  ['endSessions', endSessions],
  ['killSessions', killSessions],
  ['killAllSessions', killAllSessions],
  ['refreshSessions', refreshSessions],
]);
