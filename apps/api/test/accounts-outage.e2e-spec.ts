import { PasswordHasher, UsersRepository } from '@app/auth';
import { createTestDatabase, TcpProxy, testEnv, testRedisUrl, waitFor, withHostPort, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { FormClient } from './support/form-client.js';

/**
 * Accounts never fail open: with PostgreSQL or Redis cut (through loopback proxies; the shared
 * servers keep running), a signed-in page answers 503, not an anonymous page and not a redirect
 * to the login form, and a login attempt answers 503, not "wrong password". Both recover by
 * themselves.
 */
describe('accounts during outages', () => {
  let db: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('acc_outage');
    const pgTarget = new URL(db.url);
    pgProxy = await new TcpProxy(pgTarget.hostname, Number(pgTarget.port || 5432)).start();
    const redisTarget = new URL(testRedisUrl());
    redisProxy = await new TcpProxy(redisTarget.hostname, Number(redisTarget.port || 6379)).start();
    app = await startApi({
      env: testEnv({
        DATABASE_URL: withHostPort(db.url, '127.0.0.1', pgProxy.port),
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        REDIS_URL: withHostPort(testRedisUrl(), '127.0.0.1', redisProxy.port),
        SESSION_STORE: 'redis',
      }),
    });
    http = request(app.getHttpServer());
    const hash = await app.get(PasswordHasher).hash('outage passphrase');
    await app
      .get(UsersRepository)
      .create({ email: 'o@example.org', firstName: 'O', lastName: '', passwordHash: hash, roles: ['user'], emailConfirmedAt: new Date() });
  });

  afterAll(async () => {
    await app?.close();
    await pgProxy?.stop();
    await redisProxy?.stop();
    await db?.drop();
  });

  async function signedIn() {
    const b = new FormClient(http);
    await b.get('/login');
    expect((await b.post('/login', { email: 'o@example.org', password: 'outage passphrase' })).status).toBe(303);
    return b;
  }

  it('answers 503 for a signed-in page while PostgreSQL is down, then serves it again', async () => {
    const b = await signedIn();
    await pgProxy.cut();
    try {
      const page = await b.get('/account');
      expect(page.status).toBe(503);
      expect(page.text).toContain('Service unavailable');
      expect(page.text).not.toContain('data-testid="member-home"');
      const api = await http.get('/api/me').set('Authorization', `Bearer 00000000-0000-0000-0000-000000000000.${'A'.repeat(43)}`);
      expect(api.status).toBe(503);
    } finally {
      await pgProxy.restore();
    }
    await waitFor(async () => (await b.get('/account')).status === 200, 15_000);
  });

  it('answers 503 for pages and login while Redis is down, never "wrong password" or anonymous', async () => {
    const b = await signedIn();
    const login = new FormClient(http);
    await login.get('/login');
    await redisProxy.cut();
    try {
      const page = await b.get('/account');
      expect(page.status).toBe(503);
      const attempt = await login.post('/login', { email: 'o@example.org', password: 'outage passphrase' });
      expect(attempt.status).toBe(503);
    } finally {
      await redisProxy.restore();
    }
    await waitFor(async () => (await b.get('/account')).status === 200, 15_000);
  });
});
