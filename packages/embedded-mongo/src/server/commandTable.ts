import { aggregate } from '../commands/aggregate.js';
import type { CommandHandler } from '../commands/CommandContext.js';
import { clientBulkWrite } from '../commands/clientBulkWrite.js';
import {
  collMod,
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  renameCollection,
} from '../commands/collectionCommands.js';
import { configureFailPoint } from '../commands/configureFailPoint.js';
import { getMore, killCursors } from '../commands/cursorCommands.js';
import {
  buildInfo,
  connectionStatus,
  dbStats,
  getCmdLineOpts,
  getLog,
  getParameter,
  hostInfo,
  ping,
  replSetGetStatus,
  serverStatus,
  setParameter,
  whatsmyuri,
} from '../commands/diagnostics.js';
import { findAndModify } from '../commands/findAndModify.js';
import { hello } from '../commands/hello.js';
import { createIndexes, dropIndexes, listIndexes } from '../commands/indexCommands.js';
import { count, distinct, find } from '../commands/readCommands.js';
import { endSessions, killAllSessions, killSessions, refreshSessions } from '../commands/sessions.js';
import { insert, remove, update } from '../commands/writeCommands.js';

/** Every command the server knows, by the name clients send (case-sensitive, as in mongod). */
export const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map<string, CommandHandler>([
  ['hello', hello],
  ['isMaster', hello],
  ['ismaster', hello],
  ['ping', ping],
  ['buildInfo', buildInfo],
  ['buildinfo', buildInfo],
  ['getParameter', getParameter],
  ['setParameter', setParameter],
  ['hostInfo', hostInfo],
  ['serverStatus', serverStatus],
  ['whatsmyuri', whatsmyuri],
  ['getCmdLineOpts', getCmdLineOpts],
  ['connectionStatus', connectionStatus],
  ['replSetGetStatus', replSetGetStatus],
  ['getLog', getLog],
  ['dbStats', dbStats],
  ['dbstats', dbStats],
  ['endSessions', endSessions],
  ['killSessions', killSessions],
  ['killAllSessions', killAllSessions],
  ['refreshSessions', refreshSessions],
  ['insert', insert],
  ['update', update],
  ['delete', remove],
  ['find', find],
  ['getMore', getMore],
  ['killCursors', killCursors],
  ['aggregate', aggregate],
  ['count', count],
  ['distinct', distinct],
  ['findAndModify', findAndModify],
  ['findandmodify', findAndModify],
  ['create', create],
  ['drop', drop],
  ['dropDatabase', dropDatabase],
  ['collMod', collMod],
  ['renameCollection', renameCollection],
  ['listCollections', listCollections],
  ['listDatabases', listDatabases],
  ['createIndexes', createIndexes],
  ['listIndexes', listIndexes],
  ['dropIndexes', dropIndexes],
  ['deleteIndexes', dropIndexes],
  ['configureFailPoint', configureFailPoint],
  ['bulkWrite', clientBulkWrite],
]);
