import { PasswordHasher, UsersRepository } from '@app/auth';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { csrfFrom, FormClient } from './support/form-client.js';
import { fileBackend, redisBackend, type StoreBackend } from './support/session-probe.js';

const EMAIL = 'anon-forms@example.org';
const PASSWORD = 'anonymous forms passphrase';
const FORMS = ['/login', '/register', '/forgot-password'];

/**
 * Issue 12: showing a form to an anonymous visitor stored a session (200 GETs of /login left 200
 * records for 24 h). Anonymous forms now carry a token bound to a cookie and stored nowhere; the
 * store is written at sign-in only, under a new id. Once with sessions in Redis, once in files.
 */
describe.each(['redis', 'file'] as const)('anonymous forms store no session (%s sessions)', (store) => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let backend: StoreBackend;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase(`anon_forms_${store}`);
    env = testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SESSION_STORE: store });
    app = await startApi({ env });
    http = request(app.getHttpServer());
    backend = store === 'redis' ? redisBackend(testRedisUrl(), env.REDIS_KEY_PREFIX!) : fileBackend(env.SESSION_DIR!);
    const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
    await app.get(UsersRepository).create({ email: EMAIL, firstName: 'A', lastName: '', passwordHash, roles: ['user'], emailConfirmedAt: new Date() });
  });

  afterAll(async () => {
    await app?.close();
    await backend?.close();
    if (env?.SESSION_DIR) {
      await rm(env.SESSION_DIR, { recursive: true, force: true });
    }
    await db?.drop();
  });

  it('200 views of /login, /register and /forgot-password leave no record in the store', async () => {
    expect(await backend.count()).toBe(0);
    for (const path of FORMS) {
      for (let i = 0; i < 200; i++) {
        // Half from new visitors, half from a visitor who comes back with the cookie it got.
        const b = new FormClient(http);
        const first = await b.get(path);
        expect(first.status).toBe(200);
        expect(csrfFrom(first.text)).toMatch(/^[A-Za-z0-9_-]{43}$/);
        if (i % 2 === 0) {
          expect((await b.get(path)).status).toBe(200);
        }
      }
      expect([path, await backend.count()]).toEqual([path, 0]);
    }
  });

  it('binds the form token to an HttpOnly SameSite=Lax cookie and refuses it from another browser', async () => {
    const form = await http.get('/login').set('Accept', 'text/html').expect(200);
    const header = (form.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid='))!;
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toContain(csrfFrom(form.text));

    const mine = new FormClient(http);
    const other = new FormClient(http);
    await mine.get('/login');
    await other.get('/login');
    expect(mine.csrf).not.toBe(other.csrf);
    // Another browser's token with my cookie, my token without my cookie: both refused.
    const crossed = await mine.post('/login', { email: EMAIL, password: PASSWORD }, { csrf: other.csrf });
    expect(crossed.status).toBe(403);
    const cookieless = await new FormClient(http).post('/login', { email: EMAIL, password: PASSWORD }, { csrf: mine.csrf });
    expect(cookieless.status).toBe(403);
    // The register and forgot-password forms are checked the same way.
    for (const path of ['/register', '/forgot-password']) {
      await other.get(path);
      expect((await mine.post(path, { email: 'x@example.org' }, { csrf: other.csrf })).status).toBe(403);
    }
    expect(await backend.count()).toBe(0);
  });

  it('signs in with the token, creating the first record then, under a new id', async () => {
    const before = await backend.count();
    const b = new FormClient(http);
    await b.get('/login');
    const anonymousCookie = b.cookie;
    expect(anonymousCookie).toBeDefined();
    const login = await b.post('/login', { email: EMAIL, password: PASSWORD });
    expect(login.status).toBe(303);
    expect(b.cookie).toBeDefined();
    expect(b.cookie).not.toBe(anonymousCookie);
    expect(await backend.count()).toBe(before + 1);
    const id = decodeURIComponent(b.cookie!.split('=')[1]).split('.')[0];
    expect(await backend.has(id)).toBe(true);

    // Signed in, forms use the session's own token; a pre-login (anonymous) token is refused.
    const page = await b.get('/account/profile');
    expect(page.status).toBe(200);
    const stale = new FormClient(http);
    await stale.get('/login');
    expect((await b.post('/account/profile', { firstName: 'M', lastName: '' }, { csrf: stale.csrf })).status).toBe(403);
    expect((await b.post('/account/profile', { firstName: 'N', lastName: '' })).status).toBe(303);

    // Logout ends it; the anonymous forms afterwards store nothing again.
    expect((await b.post('/logout')).status).toBe(303);
    expect(await backend.has(id)).toBe(false);
    expect(b.cookie).toBeUndefined();
    expect((await b.get('/login')).status).toBe(200);
    expect(await backend.count()).toBe(before);
  });

  it('keeps a wrong password on the form with a working token, still storing nothing', async () => {
    const before = await backend.count();
    const b = new FormClient(http);
    await b.get('/login');
    const cookie = b.cookie;
    const wrong = await b.post('/login', { email: EMAIL, password: 'not the passphrase' });
    expect(wrong.status).toBe(401);
    expect(b.cookie).toBe(cookie);
    expect(await backend.count()).toBe(before);
    expect((await b.post('/login', { email: EMAIL, password: PASSWORD })).status).toBe(303);
    expect(await backend.count()).toBe(before + 1);
  });
});
