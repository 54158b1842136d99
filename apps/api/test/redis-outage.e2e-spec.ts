import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, TcpProxy, testEnv, testRedisUrl, waitFor, withHostPort, type TestDatabase } from '@app/testing';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { startSessionApp } from './support/session-app.js';
import { redisBackend, sessionCookie, type StoreBackend } from './support/session-probe.js';

/** Redis "stops" for this app only: its connection runs through a proxy the test cuts. */
describe('Redis outage with the Redis session store', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let backend: StoreBackend;
  let env: Record<string, string | undefined>;
  let cookie: string;

  beforeAll(async () => {
    db = await createTestDatabase('redis_outage');
    const target = new URL(testRedisUrl());
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    env = testEnv({ DATABASE_URL: db.url, SESSION_STORE: 'redis', REDIS_URL: withHostPort(testRedisUrl(), '127.0.0.1', proxy.port) });
    app = await startSessionApp({ env });
    http = request(app.getHttpServer());
    backend = redisBackend(testRedisUrl(), env.REDIS_KEY_PREFIX!);
    const res = await http.post('/probe/login').send({ userId: 'u-outage' }).expect(200);
    cookie = sessionCookie(res)!.pair;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await backend?.close();
    await rm(env.SESSION_DIR!, { recursive: true, force: true });
    await db?.drop();
  });

  it('answers 503 quickly for requests that need the session, never treating them as anonymous', async () => {
    await proxy.cut();
    const started = Date.now();
    const page = await http.get('/probe/whoami').set('Cookie', cookie).set('Accept', 'text/html');
    expect(page.status).toBe(503);
    expect(page.text).toContain('Service unavailable');
    const json = await http.get('/probe/whoami').set('Cookie', cookie).set('Accept', 'application/json');
    expect(json.status).toBe(503);
    expect(json.body.code).toBe('service_unavailable');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses to save a new session rather than pretending it did', async () => {
    const res = await http.post('/probe/remember').send({ value: 'lost?' }).set('Accept', 'application/json');
    expect(res.status).toBe(503);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('keeps serving what does not need Redis, and reports the outage on readiness', async () => {
    await http.get('/').expect(200); // anonymous, no cookie: no store access
    await http.get('/health/live').expect(200);
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.redis.status).toBe('down');
    expect(ready.body.details.database.status).toBe('up');
  });

  it('recovers by itself when Redis returns, with the session intact', async () => {
    await proxy.restore();
    await waitFor(async () => (await http.get('/health/ready')).status === 200, 10000, 100);
    const me = await http.get('/probe/whoami').set('Cookie', cookie).expect(200);
    expect(me.body.userId).toBe('u-outage');
  });
});
