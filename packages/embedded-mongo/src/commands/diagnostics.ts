import os from 'node:os';
import { BSON, type Document, Long } from 'bson';
import { commandError } from '../errors.js';
import { MAX_BSON_OBJECT_SIZE } from '../wire/opcodes.js';
import type { CommandHandler } from './CommandContext.js';

/** The MongoDB version this server imitates. */
export const SERVER_VERSION = '8.0.0';

export const ping: CommandHandler = () => ({});

export const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'embedded',
  versionArray: [...SERVER_VERSION.split('.').map(Number), 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['ephemeralForTest'],
  modules: [],
  javascriptEngine: 'none',
  openssl: { running: 'disabled' },
  buildEnvironment: {},
  allocator: 'system',
  sysInfo: 'deprecated',
});

/** getParameter: `{ getParameter: 1, name: 1 }` or `{ getParameter: '*' }`. */
export const getParameter: CommandHandler = (ctx) => {
  adminOnly(ctx.db, 'getParameter');
  const parameters = ctx.server.parameters.all();
  if (ctx.body.getParameter === '*') return parameters;
  const reply: Document = {};
  for (const key of Object.keys(ctx.body)) {
    if (key in parameters) reply[key] = parameters[key];
  }
  if (Object.keys(reply).length === 0) throw commandError('InvalidOptions', 'no option found to get');
  return reply;
};

/** setParameter: `{ setParameter: 1, <name>: <value> }` → `{ was }` (see ServerParameters). */
export const setParameter: CommandHandler = (ctx) => {
  adminOnly(ctx.db, 'setParameter');
  const names = Object.keys(ctx.body).filter(
    (k) => k !== 'setParameter' && k !== 'comment' && !k.startsWith('$') && k !== 'lsid',
  );
  if (names.length === 0) throw commandError('InvalidOptions', 'no option found to set, use help:true to see options ');
  if (names.length > 1) throw commandError('BadValue', 'only one parameter may be set per setParameter command');
  return { was: ctx.server.parameters.set(names[0]!, ctx.body[names[0]!]) };
};

function adminOnly(db: string, command: string): void {
  if (db !== 'admin') throw commandError('Unauthorized', `${command} may only be run against the admin database.`);
}

export const hostInfo: CommandHandler = () => ({
  system: {
    currentTime: new Date(),
    hostname: os.hostname(),
    cpuAddrSize: 64,
    memSizeMB: Long.fromNumber(Math.round(os.totalmem() / 1024 / 1024)),
    numCores: os.cpus().length,
    cpuArch: os.arch(),
  },
  os: { type: os.type(), name: os.platform(), version: os.release() },
  extra: {},
});

export const serverStatus: CommandHandler = (ctx) => ({
  host: ctx.server.identity.address,
  version: SERVER_VERSION,
  process: 'mongod',
  pid: Long.fromNumber(process.pid),
  uptime: (Date.now() - ctx.server.startedAt.getTime()) / 1000,
  uptimeMillis: Long.fromNumber(Date.now() - ctx.server.startedAt.getTime()),
  localTime: new Date(),
  storageEngine: { name: 'ephemeralForTest', supportsCommittedReads: true, persistent: false },
});

export const whatsmyuri: CommandHandler = (ctx) => ({ you: ctx.connection.remoteAddress });

export const getCmdLineOpts: CommandHandler = (ctx) => ({
  argv: ['mongo-live-embedded'],
  parsed: { replication: { replSet: ctx.server.identity.replSetName } },
});

export const connectionStatus: CommandHandler = () => ({
  authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] },
});

export const replSetGetStatus: CommandHandler = (ctx) => {
  const optime = { ts: ctx.server.clock.now(), t: Long.fromNumber(1) };
  return {
    set: ctx.server.identity.replSetName,
    date: new Date(),
    myState: 1,
    term: Long.fromNumber(1),
    members: [
      { _id: 0, name: ctx.server.identity.address, health: 1, state: 1, stateStr: 'PRIMARY', optime, self: true },
    ],
  };
};

/** getLog: an empty log (startupWarnings is what drivers' test runners ask for). */
export const getLog: CommandHandler = (ctx) =>
  ctx.body.getLog === '*' ? { names: ['global', 'startupWarnings'] } : { totalLinesWritten: 0, log: [] };

/** dbStats: counts of the database's collections, documents and indexes (sizes are estimates). */
export const dbStats: CommandHandler = (ctx) => {
  const collections = ctx.store.collections(ctx.db);
  const objects = collections.reduce((sum, c) => sum + c.size, 0);
  const indexes = collections.reduce((sum, c) => sum + c.indexes.length, 0);
  const dataSize = collections.reduce(
    (sum, c) => sum + c.documents().reduce((bytes, doc) => bytes + BSON.calculateObjectSize(doc), 0),
    0,
  );
  return {
    db: ctx.db,
    collections: collections.length,
    views: 0,
    objects,
    avgObjSize: objects === 0 ? 0 : dataSize / objects,
    dataSize,
    storageSize: dataSize,
    indexes,
    indexSize: 0,
    totalSize: dataSize,
    scaleFactor: 1,
  };
};
