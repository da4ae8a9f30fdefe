// The entity map of one test: clients (with their observed command events), databases, collections,
// sessions, change streams and saved results.
import {
  type ChangeStream,
  type ClientSession,
  type Collection,
  type CommandFailedEvent,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Db,
  type Document,
  MongoClient,
  type MongoClientOptions,
  ReadConcern,
  type ReadConcernLike,
  ReadPreference,
  WriteConcern,
} from 'mongodb';
import type { MatchContext } from './match.js';
import type { CollectionOrDatabaseOptions, EntitySpec } from './types.js';
import { UnsupportedError } from './unsupported.js';

export type ObservedCommandEvent =
  | { type: 'commandStartedEvent'; event: CommandStartedEvent }
  | { type: 'commandSucceededEvent'; event: CommandSucceededEvent }
  | { type: 'commandFailedEvent'; event: CommandFailedEvent };

/** A client entity and the command events it observed while recording was on. */
export interface ClientEntity {
  kind: 'client';
  client: MongoClient;
  events: ObservedCommandEvent[];
}

/** A cursor-like entity: change streams are iterated with tryNext, so a bounded wait is possible. */
export interface ChangeStreamEntity {
  kind: 'changeStream';
  stream: ChangeStream;
}

export type Entity =
  | ClientEntity
  | { kind: 'database'; db: Db }
  | { kind: 'collection'; collection: Collection }
  | { kind: 'session'; session: ClientSession; lsid: Document }
  | ChangeStreamEntity
  | { kind: 'value'; value: unknown };

export type EntityKind = Entity['kind'];

// Commands whose events are never observed (configureFailPoint, and those the driver redacts as sensitive).
const ALWAYS_IGNORED = new Set([
  'configureFailPoint',
  'authenticate',
  'saslStart',
  'saslContinue',
  'getnonce',
  'createUser',
  'updateUser',
  'copydbgetnonce',
  'copydbsaslstart',
  'copydb',
]);

const COMMAND_EVENT_TYPES = ['commandStartedEvent', 'commandSucceededEvent', 'commandFailedEvent'] as const;

export class EntityMap implements MatchContext {
  private readonly entities = new Map<string, Entity>();
  private recording = false;

  constructor(private readonly uri: string) {}

  /** Creates the createEntities of a test file, in order (later entities refer to earlier ones). */
  async create(specs: EntitySpec[]): Promise<void> {
    for (const spec of specs) {
      const kind = Object.keys(spec)[0];
      if (kind === 'client' && spec.client) await this.createClient(spec.client);
      else if (kind === 'database' && spec.database) {
        const { id, client, databaseName, databaseOptions } = spec.database;
        this.set(id, { kind: 'database', db: this.client(client).db(databaseName, toDriverOptions(databaseOptions)) });
      } else if (kind === 'collection' && spec.collection) {
        const { id, database, collectionName, collectionOptions } = spec.collection;
        const collection = this.database(database).collection(collectionName, toDriverOptions(collectionOptions));
        this.set(id, { kind: 'collection', collection });
      } else if (kind === 'session' && spec.session) {
        const { id, client, sessionOptions } = spec.session;
        const session = this.client(client).startSession(sessionOptions ?? {});
        this.set(id, { kind: 'session', session, lsid: session.id as Document });
      } else {
        throw new UnsupportedError(`entity ${kind ?? '?'}`);
      }
    }
  }

  private async createClient(spec: NonNullable<EntitySpec['client']>): Promise<void> {
    for (const feature of ['storeEventsAsEntities', 'observeLogMessages', 'autoEncryptOpts'] as const) {
      if (spec[feature]) throw new UnsupportedError(`client option ${feature}`);
    }
    const observed = new Set(spec.observeEvents ?? []);
    for (const type of observed) {
      if (!(COMMAND_EVENT_TYPES as readonly string[]).includes(type))
        throw new UnsupportedError(`observeEvents ${type}`);
    }
    const ignored = new Set([...(spec.ignoreCommandMonitoringEvents ?? []), ...ALWAYS_IGNORED]);
    const options: MongoClientOptions = {
      serverSelectionTimeoutMS: 10_000,
      monitorCommands: true,
      ...(spec.serverApi ? { serverApi: spec.serverApi as MongoClientOptions['serverApi'] } : {}),
      ...(spec.uriOptions as MongoClientOptions | undefined),
    };
    const client = new MongoClient(this.uri, options);
    const entity: ClientEntity = { kind: 'client', client, events: [] };
    const record = (type: ObservedCommandEvent['type']) => (event: ObservedCommandEvent['event']) => {
      if (!this.recording || !observed.has(type) || ignored.has(event.commandName)) return;
      // hello is sensitive when it carries speculative authentication (the driver then redacts it).
      if (type === 'commandStartedEvent' && isRedactedHello(event as CommandStartedEvent)) return;
      entity.events.push({ type, event } as ObservedCommandEvent);
    };
    client.on('commandStarted', record('commandStartedEvent'));
    client.on('commandSucceeded', record('commandSucceededEvent'));
    client.on('commandFailed', record('commandFailedEvent'));
    this.set(spec.id, entity);
    await client.connect();
  }

  /** Events are recorded only while the test's operations run. */
  setRecording(on: boolean) {
    this.recording = on;
  }

  set(name: string, entity: Entity) {
    if (this.entities.has(name)) throw new Error(`runner: entity '${name}' already exists`);
    this.entities.set(name, entity);
  }

  has(name: string) {
    return this.entities.has(name);
  }

  get(name: string): Entity {
    const entity = this.entities.get(name);
    if (!entity) throw new Error(`runner: no entity '${name}'`);
    return entity;
  }

  kindOf(name: string): EntityKind | undefined {
    return this.entities.get(name)?.kind;
  }

  private typed<K extends EntityKind>(name: string, kind: K): Extract<Entity, { kind: K }> {
    const entity = this.get(name);
    if (entity.kind !== kind) throw new Error(`runner: entity '${name}' is a ${entity.kind}, not a ${kind}`);
    return entity as Extract<Entity, { kind: K }>;
  }

  clientEntity(name: string): ClientEntity {
    return this.typed(name, 'client');
  }
  client(name: string): MongoClient {
    return this.typed(name, 'client').client;
  }
  database(name: string): Db {
    return this.typed(name, 'database').db;
  }
  collection(name: string): Collection {
    return this.typed(name, 'collection').collection;
  }
  session(name: string): ClientSession {
    return this.typed(name, 'session').session;
  }

  // MatchContext
  entity(name: string): unknown {
    const entity = this.get(name);
    if (entity.kind !== 'value') throw new Error(`runner: entity '${name}' is a ${entity.kind}, not a BSON value`);
    return entity.value;
  }
  sessionLsid(name: string): unknown {
    return this.typed(name, 'session').lsid;
  }

  /** Ends sessions, closes change streams and clients. Never throws. */
  async close(): Promise<void> {
    this.recording = false;
    const all = [...this.entities.values()];
    for (const entity of all) {
      if (entity.kind === 'changeStream') await entity.stream.close().catch(() => undefined);
      if (entity.kind === 'session') await entity.session.endSession().catch(() => undefined);
    }
    await Promise.all(
      all.flatMap((entity) => (entity.kind === 'client' ? [entity.client.close(true).catch(() => undefined)] : [])),
    );
    this.entities.clear();
  }
}

function isRedactedHello(event: CommandStartedEvent): boolean {
  const name = event.commandName.toLowerCase();
  return (name === 'hello' || name === 'ismaster') && Object.keys(event.command).length === 0;
}

/** collectionOrDatabaseOptions of the test format -> driver options. */
export function toDriverOptions(options: CollectionOrDatabaseOptions | undefined) {
  if (!options) return undefined;
  const { readConcern, readPreference, writeConcern, timeoutMS } = options;
  if (timeoutMS !== undefined) throw new UnsupportedError('timeoutMS');
  return {
    ...(readConcern ? { readConcern: ReadConcern.fromOptions({ readConcern: readConcern as ReadConcernLike }) } : {}),
    ...(readPreference ? { readPreference: readPreferenceOf(readPreference) } : {}),
    ...(writeConcern ? { writeConcern: WriteConcern.fromOptions({ writeConcern }) } : {}),
  };
}

export function readPreferenceOf(spec: Document): ReadPreference {
  const { mode, tagSets, maxStalenessSeconds, hedge } = spec;
  return new ReadPreference(mode, tagSets, {
    ...(maxStalenessSeconds !== undefined ? { maxStalenessSeconds } : {}),
    ...(hedge !== undefined ? { hedge } : {}),
  });
}
