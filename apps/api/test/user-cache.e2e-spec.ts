import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import { Redis } from 'ioredis';
import { readdir, rm } from 'node:fs/promises';
import pg from 'pg';
import { addUser, sameBrowserOn, signIn, startApi, type RunningApi } from './support/api-pair.js';
import type { FormClient } from './support/form-client.js';

/**
 * The signed-in user's cached state (libs/cache, AuthStateCache) across two api processes built
 * for production use (dist/bundle/api.mjs) on one PostgreSQL: a change made through one is what
 * the very next request on the other sees.
 */
const BACKENDS = [
  {
    name: 'Redis',
    env: () => testEnv({ REDIS_URL: testRedisUrl(), SESSION_STORE: 'redis' }),
    cached: async (env: Record<string, string | undefined>) => {
      const redis = new Redis(testRedisUrl());
      try {
        return (await redis.keys(`${env.REDIS_KEY_PREFIX}cache:auth-user:e:*`)).length;
      } finally {
        redis.disconnect();
      }
    },
  },
  {
    name: 'files (one shared CACHE_DIR and SESSION_DIR)',
    env: () => testEnv({ SESSION_STORE: 'file', CACHE_STORE: 'file', QUEUE_BACKEND: 'postgres' }),
    cached: async (env: Record<string, string | undefined>) => {
      let n = 0;
      for (const sub of await readdir(env.CACHE_DIR!).catch(() => [] as string[])) {
        n += (await readdir(`${env.CACHE_DIR}/${sub}`)).length;
      }
      return n;
    },
  },
];

describe.each(BACKENDS)('signed-in user cache on $name, two api processes', ({ env: makeEnv, cached }) => {
  let db: TestDatabase;
  let env: Record<string, string | undefined>;
  let a: RunningApi;
  let b: RunningApi;
  let admin: FormClient;
  let sql: pg.Client;
  const userId = async (email: string) => (await sql.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email])).rows[0].id;

  beforeAll(async () => {
    db = await createTestDatabase('user_cache');
    env = makeEnv();
    env.DATABASE_URL = db.url;
    a = await startApi(env); // migrates
    b = await startApi(env);
    await addUser(env, 'admin@example.org', ['admin']);
    await addUser(env, 'bob@example.org', ['user']);
    await addUser(env, 'carol@example.org', ['user']);
    admin = await signIn(a, 'admin@example.org');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 90000);

  afterAll(async () => {
    await sql?.end();
    await a?.stop();
    await b?.stop();
    await rm(env.SESSION_DIR!, { recursive: true, force: true });
    await rm(env.CACHE_DIR!, { recursive: true, force: true });
    await db?.drop();
  });

  it('serves signed-in pages from the cache, and a role change on one api is seen by the next request on the other', async () => {
    const bob = sameBrowserOn(b, await signIn(a, 'bob@example.org'));
    expect((await bob.get('/account')).status).toBe(200);
    expect((await bob.get('/account/api-keys')).status).toBe(403);
    expect(await cached(env)).toBeGreaterThan(0); // the state came from the cache from here on

    await admin.get(`/admin/users/${await userId('bob@example.org')}`);
    expect((await admin.post(`/admin/users/${await userId('bob@example.org')}/roles`, { roles: 'dev' })).status).toBe(303);
    expect((await bob.get('/account/api-keys')).status).toBe(200);

    await admin.get(`/admin/users/${await userId('bob@example.org')}`);
    expect((await admin.post(`/admin/users/${await userId('bob@example.org')}/roles`, { roles: 'user' })).status).toBe(303);
    expect((await bob.get('/account/api-keys')).status).toBe(403);
  });

  it('refuses a user disabled on one api at the very next request on the other', async () => {
    const carol = sameBrowserOn(b, await signIn(a, 'carol@example.org'));
    expect((await carol.get('/account')).status).toBe(200);
    await admin.get(`/admin/users/${await userId('carol@example.org')}`);
    expect((await admin.post(`/admin/users/${await userId('carol@example.org')}/active`, { active: 'false' })).status).toBe(303);
    const next = await carol.get('/account');
    expect(next.status).toBe(303);
    expect(next.headers.location).toMatch(/^\/login/);
  });
});
