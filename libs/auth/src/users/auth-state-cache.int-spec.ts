import { Cache, MemoryCacheBackend } from '@app/cache';
import type { AppConfig } from '@app/config';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthStateCache } from './auth-state-cache.js';
import type { UserAuthState } from './users.repository.js';

const state = (firstName: string): UserAuthState =>
  ({ id: 'u', email: 'u@example.org', firstName, lastName: '', active: true, authEpoch: 0, roles: ['user'], authSource: 'local' }) as UserAuthState;

/** Invalidation of a write made in a transaction waits for its commit (real PostgreSQL, real TypeORM hooks). */
describe('AuthStateCache invalidation and transactions', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let states: AuthStateCache;

  beforeAll(async () => {
    db = await createTestDatabase('auth_state_cache');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const config = { cache: { userTtlMs: 60_000 } } as AppConfig;
    states = new AuthStateCache(new Cache(new MemoryCacheBackend()), config, ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('invalidates at once outside a transaction', async () => {
    const id = randomUUID();
    expect((await states.find(id, async () => state('v1')))?.firstName).toBe('v1');
    expect((await states.find(id, async () => state('unused')))?.firstName).toBe('v1');
    await states.invalidate(id);
    expect((await states.find(id, async () => state('v2')))?.firstName).toBe('v2');
  });

  it('inside a transaction, invalidates when it commits, not before', async () => {
    const id = randomUUID();
    await states.find(id, async () => state('v1'));
    await ds.transaction(async (manager) => {
      await manager.query('SELECT 1');
      await states.invalidate(id, manager);
      // Before the commit, a reader would see the old row: invalidating now would let it cache that.
      expect((await states.find(id, async () => state('read before commit')))?.firstName).toBe('v1');
    });
    expect((await states.find(id, async () => state('v2')))?.firstName).toBe('v2');
  });

  it('forgets the pending invalidation of a transaction that rolled back', async () => {
    const id = randomUUID();
    await states.find(id, async () => state('v1'));
    await expect(
      ds.transaction(async (manager) => {
        await states.invalidate(id, manager);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await states.find(id, async () => state('unused')))?.firstName).toBe('v1');
  });

  it('does not cache an unknown user', async () => {
    const id = randomUUID();
    expect(await states.find(id, async () => null)).toBeNull();
    expect((await states.find(id, async () => state('created since')))?.firstName).toBe('created since');
  });
});
