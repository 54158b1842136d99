import { createTestDatabase, testEnv, waitFor, type TestDatabase } from '@app/testing';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { addUser, sameBrowserOn, signIn, startApi, type RunningApi } from './support/api-pair.js';
import type { FormClient } from './support/form-client.js';
import { PrivateRedis } from './support/private-redis.js';

/**
 * The cache's Redis goes away while two api processes serve signed-in pages (sessions in a shared
 * directory, so only the cache depends on this Redis): pages keep working from PostgreSQL, a
 * change made meanwhile is enforced at once, and when Redis comes back with the entries it held
 * before the change, none of them is served.
 */
describe('signed-in user cache when its Redis stops (private redis-server, two api processes)', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let env: Record<string, string | undefined>;
  let a: RunningApi;
  let b: RunningApi;
  let sql: pg.Client;
  let admin: FormClient;
  let dave: FormClient;
  let erin: FormClient;
  const userId = async (email: string) => (await sql.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email])).rows[0].id;
  const ready = async (api: RunningApi) => (await api.http.get('/health/ready')).status === 200;

  beforeAll(async () => {
    db = await createTestDatabase('user_cache_outage');
    redis = await new PrivateRedis().start();
    env = testEnv({ DATABASE_URL: db.url, REDIS_URL: redis.url, SESSION_STORE: 'file', QUEUE_BACKEND: 'postgres' });
    a = await startApi(env);
    b = await startApi(env);
    await addUser(env, 'admin@example.org', ['admin']);
    await addUser(env, 'dave@example.org', ['user', 'dev']);
    await addUser(env, 'erin@example.org', ['user']);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    admin = await signIn(a, 'admin@example.org');
    dave = sameBrowserOn(b, await signIn(a, 'dave@example.org'));
    erin = sameBrowserOn(b, await signIn(a, 'erin@example.org'));
  }, 90000);

  afterAll(async () => {
    await sql?.end();
    await a?.stop();
    await b?.stop();
    await redis?.destroy();
    await rm(env.SESSION_DIR!, { recursive: true, force: true });
    await db?.drop();
  });

  it('keeps serving pages from PostgreSQL, enforces changes made during the outage, and serves no stale entry after it', async () => {
    expect((await dave.get('/account/api-keys')).status).toBe(200);
    expect((await erin.get('/account')).status).toBe(200);
    expect(await redis.keys(`${env.REDIS_KEY_PREFIX}cache:auth-user:e:*`)).toHaveLength(2);

    await redis.stop();
    const started = Date.now();
    expect((await erin.get('/account')).status).toBe(200);
    expect((await dave.get('/account/api-keys')).status).toBe(200);
    // Misses at once: waiting on the dead Redis would cost its 2 s command timeout per request.
    expect(Date.now() - started).toBeLessThan(3500);

    // Changes made on one api while the cache is down: their invalidations are lost.
    await admin.get(`/admin/users/${await userId('dave@example.org')}`);
    expect((await admin.post(`/admin/users/${await userId('dave@example.org')}/roles`, { roles: 'user' })).status).toBe(303);
    await admin.get(`/admin/users/${await userId('erin@example.org')}`);
    expect((await admin.post(`/admin/users/${await userId('erin@example.org')}/active`, { active: 'false' })).status).toBe(303);
    expect((await dave.get('/account/api-keys')).status).toBe(403);
    const refused = await erin.get('/account');
    expect(refused.status).toBe(303);
    expect(refused.headers.location).toMatch(/^\/login/);

    // Redis returns with what it held before: dave as a dev, erin active.
    await redis.start();
    expect(await redis.keys(`${env.REDIS_KEY_PREFIX}cache:auth-user:e:*`)).toHaveLength(2);
    await waitFor(async () => (await ready(a)) && (await ready(b)), 15000, 100);
    for (const api of [b, a, b]) {
      expect((await sameBrowserOn(api, dave).get('/account/api-keys')).status).toBe(403);
      expect((await sameBrowserOn(api, dave).get('/account')).status).toBe(200);
    }
    expect((await erin.get('/account')).status).toBe(303);
  });
});
