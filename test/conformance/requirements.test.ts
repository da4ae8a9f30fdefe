import { describe, expect, it } from 'vitest';
import { compareVersions, type DeploymentInfo, requirementsUnmet } from './runner/requirements.js';

const info = (params: Record<string, unknown> = {}): DeploymentInfo => ({
  version: '7.0.0',
  topology: 'replicaset',
  serverParameter: async (name) => params[name],
});

describe('runOnRequirements', () => {
  it('compares versions numerically, missing parts as 0', () => {
    expect(compareVersions('7.0.0', '7.0')).toBe(0);
    expect(compareVersions('7.0.0', '4.4.14')).toBe(1);
    expect(compareVersions('7.0.0', '8.1.99')).toBe(-1);
    expect(compareVersions('10.0', '9.9.9')).toBe(1);
  });

  it('is met when any requirement is met, or there is none', async () => {
    expect(await requirementsUnmet(undefined, info())).toBeUndefined();
    expect(await requirementsUnmet([{ minServerVersion: '4.4', topologies: ['replicaset'] }], info())).toBeUndefined();
    expect(
      await requirementsUnmet(
        [{ minServerVersion: '8.0' }, { maxServerVersion: '7.99', serverless: 'forbid' }],
        info(),
      ),
    ).toBeUndefined();
  });

  it('says why none is met', async () => {
    expect(await requirementsUnmet([{ minServerVersion: '8.0' }], info())).toBe('needs server >= 8.0 (have 7.0.0)');
    expect(await requirementsUnmet([{ maxServerVersion: '4.2.99' }], info())).toMatch(/<= 4.2.99/);
    expect(await requirementsUnmet([{ topologies: ['single', 'sharded'] }], info())).toMatch(/single\|sharded/);
    expect(await requirementsUnmet([{ serverless: 'require' }], info())).toMatch(/serverless/);
    expect(await requirementsUnmet([{ auth: true }], info())).toMatch(/auth/);
    expect(await requirementsUnmet([{ csfle: true }], info())).toMatch(/encryption/);
    expect(await requirementsUnmet([{ minServerVersion: '8.0' }, { topologies: ['sharded'] }], info())).toMatch(
      /8\.0.*; or .*sharded/,
    );
  });

  it('reads server parameters', async () => {
    const req = [{ serverParameters: { enableTestCommands: true } }];
    expect(await requirementsUnmet(req, info({ enableTestCommands: true }))).toBeUndefined();
    expect(await requirementsUnmet(req, info({ enableTestCommands: false }))).toMatch(/enableTestCommands/);
    expect(await requirementsUnmet(req, info())).toMatch(/enableTestCommands/);
  });
});
