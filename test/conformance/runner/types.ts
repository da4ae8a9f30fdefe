// Shapes of the unified test format (only the parts this runner reads).
import type { Document } from 'mongodb';

export interface RunOnRequirement {
  minServerVersion?: string;
  maxServerVersion?: string;
  topologies?: string[];
  serverless?: 'require' | 'forbid' | 'allow';
  serverParameters?: Document;
  auth?: boolean;
  authMechanism?: string;
  csfle?: boolean | Document;
}

export interface ClientEntitySpec {
  id: string;
  uriOptions?: Document;
  useMultipleMongoses?: boolean;
  observeEvents?: string[];
  ignoreCommandMonitoringEvents?: string[];
  observeSensitiveCommands?: boolean;
  storeEventsAsEntities?: unknown[];
  observeLogMessages?: Document;
  serverApi?: Document;
  autoEncryptOpts?: Document;
}

export interface CollectionOrDatabaseOptions {
  readConcern?: Document;
  readPreference?: Document;
  writeConcern?: Document;
  timeoutMS?: number;
}

export interface EntitySpec {
  client?: ClientEntitySpec;
  database?: { id: string; client: string; databaseName: string; databaseOptions?: CollectionOrDatabaseOptions };
  collection?: {
    id: string;
    database: string;
    collectionName: string;
    collectionOptions?: CollectionOrDatabaseOptions;
  };
  session?: { id: string; client: string; sessionOptions?: Document };
  [other: string]: unknown;
}

export interface CollectionData {
  collectionName: string;
  databaseName: string;
  createOptions?: Document;
  documents: Document[];
}

export interface ExpectedError {
  isError?: boolean;
  isClientError?: boolean;
  isTimeoutError?: boolean;
  errorContains?: string;
  errorCode?: number;
  errorCodeName?: string;
  errorLabelsContain?: string[];
  errorLabelsOmit?: string[];
  errorResponse?: Document;
  expectResult?: unknown;
  writeErrors?: Document;
  writeConcernErrors?: Document[];
}

export interface Operation {
  name: string;
  object: string;
  arguments?: Document;
  expectResult?: unknown;
  expectError?: ExpectedError;
  saveResultAsEntity?: string;
  ignoreResultAndError?: boolean;
}

export interface ExpectedEventsForClient {
  client: string;
  eventType?: 'command' | 'cmap' | 'sdam';
  events: Document[];
  ignoreExtraEvents?: boolean;
}

export interface SpecTest {
  description: string;
  runOnRequirements?: RunOnRequirement[];
  skipReason?: string;
  operations: Operation[];
  expectEvents?: ExpectedEventsForClient[];
  expectLogMessages?: unknown[];
  outcome?: CollectionData[];
}

export interface SpecFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: RunOnRequirement[];
  createEntities?: EntitySpec[];
  initialData?: CollectionData[];
  tests: SpecTest[];
}
