// runOnRequirements: can a test (file) run on the deployment we have?
import type { Document, MongoClient } from 'mongodb';
import { findMismatch, noEntities } from './match.js';
import type { RunOnRequirement } from './types.js';

/** What the requirements are checked against, read once per deployment. */
export interface DeploymentInfo {
  version: string;
  topology: 'single' | 'replicaset' | 'sharded' | 'load-balanced';
  /** Reads a server parameter (getParameter); undefined when the server does not know it. */
  serverParameter(name: string): Promise<unknown>;
}

export async function readDeploymentInfo(client: MongoClient): Promise<DeploymentInfo> {
  const admin = client.db('admin');
  const buildInfo = await admin.command({ buildInfo: 1 });
  const hello = await admin.command({ hello: 1 });
  const topology = hello.msg === 'isdbgrid' ? 'sharded' : hello.setName ? 'replicaset' : 'single';
  const cache = new Map<string, unknown>();
  return {
    version: String(buildInfo.version),
    topology,
    async serverParameter(name) {
      if (!cache.has(name)) {
        const reply: Document | undefined = await admin.command({ getParameter: 1, [name]: 1 }).catch(() => undefined);
        cache.set(name, reply?.[name]);
      }
      return cache.get(name);
    },
  };
}

/** Compares dotted version strings numerically; missing components count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** Why one requirement is not met, or undefined when it is. */
export async function unmetReason(req: RunOnRequirement, info: DeploymentInfo): Promise<string | undefined> {
  if (req.minServerVersion && compareVersions(info.version, req.minServerVersion) < 0) {
    return `needs server >= ${req.minServerVersion} (have ${info.version})`;
  }
  if (req.maxServerVersion && compareVersions(info.version, req.maxServerVersion) > 0) {
    return `needs server <= ${req.maxServerVersion} (have ${info.version})`;
  }
  if (req.topologies && !req.topologies.includes(info.topology)) {
    return `needs topology ${req.topologies.join('|')} (have ${info.topology})`;
  }
  if (req.serverless === 'require') return 'needs serverless';
  if (req.auth === true) return 'needs auth (the test deployment runs without it)';
  if (req.authMechanism) return `needs auth mechanism ${req.authMechanism}`;
  if (req.csfle) return 'needs client-side field level encryption';
  for (const [name, expected] of Object.entries(req.serverParameters ?? {})) {
    const actual = await info.serverParameter(name);
    if (actual === undefined || findMismatch(expected, actual, noEntities, true)) {
      return `needs server parameter ${name}=${JSON.stringify(expected)}`;
    }
  }
  return undefined;
}

/** Undefined when any requirement of the list is met (or there is none); else why none is. */
export async function requirementsUnmet(
  reqs: RunOnRequirement[] | undefined,
  info: DeploymentInfo,
): Promise<string | undefined> {
  if (!reqs || reqs.length === 0) return undefined;
  const reasons: string[] = [];
  for (const req of reqs) {
    const reason = await unmetReason(req, info);
    if (!reason) return undefined;
    reasons.push(reason);
  }
  return reasons.join('; or ');
}
