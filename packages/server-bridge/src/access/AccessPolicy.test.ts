import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { type AccessRequest, type Authorize, allowAll, decide } from './AccessPolicy.js';

const socket = {} as Socket;
const request: AccessRequest = { kind: 'watch', scope: 'deployment' };

async function codeOf(authorize: Authorize, req: AccessRequest = request): Promise<string | undefined> {
  try {
    await decide(authorize, req, socket);
    return undefined;
  } catch (error) {
    return error instanceof BridgeError ? error.code : 'other';
  }
}

describe('decide', () => {
  it('allows only on true or a decision object', async () => {
    expect(await decide(allowAll, request, socket)).toEqual({ kind: 'all' });
    expect(await decide(async () => ({}), request, socket)).toEqual({ kind: 'all' });
    const restricted = await decide(() => ({ filter: { a: 1 }, projection: { b: 0 } }), request, socket);
    expect(restricted).toMatchObject({ kind: 'restricted', filter: { a: 1 }, projectionDoc: { b: 0 } });
  });

  it.each<[string, unknown]>([
    ['false', false],
    ['undefined', undefined],
    ['null', null],
    ['1', 1],
    ['a string', 'yes'],
    ['an array', [true]],
  ])('denies on %s', async (_name, decision) => {
    expect(await codeOf(() => decision as boolean)).toBe('UNAUTHORIZED');
  });

  it('names what was denied, and denies when authorize throws', async () => {
    await expect(decide(() => false, request, socket)).rejects.toThrow('not authorized to watch the whole deployment');
    await expect(
      decide(() => false, { kind: 'query', scope: 'collection', db: 'a', collection: 'b' }, socket),
    ).rejects.toThrow("not authorized to query 'a.b'");
    expect(
      await codeOf(() => {
        throw new Error('no session');
      }),
    ).toBe('UNAUTHORIZED');
  });

  it('reports malformed decisions as server errors', async () => {
    expect(await codeOf(() => ({ filter: 'x' }) as never)).toBe('SERVER_ERROR');
    expect(await codeOf(() => ({ projection: { a: 1, b: 0 } }))).toBe('SERVER_ERROR');
    expect(await codeOf(() => ({ rows: {} }) as never)).toBe('SERVER_ERROR');
    expect(await codeOf(() => ({ filter: { a: 1 }, removalsWithoutPreImage: 'yes' }) as never)).toBe('SERVER_ERROR');
  });

  it("keeps removalsWithoutPreImage: 'sendKey' only where it changes anything (a row filter)", async () => {
    expect(await decide(() => ({ filter: { a: 1 }, removalsWithoutPreImage: 'sendKey' }), request, socket)).toEqual({
      kind: 'restricted',
      filter: { a: 1 },
      removalsWithoutPreImage: 'sendKey',
    });
    expect(await decide(() => ({ filter: { a: 1 }, removalsWithoutPreImage: 'withhold' }), request, socket)).toEqual({
      kind: 'restricted',
      filter: { a: 1 },
    });
    expect(await decide(() => ({ removalsWithoutPreImage: 'sendKey' }), request, socket)).toEqual({ kind: 'all' });
  });
});
