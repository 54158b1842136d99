import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, freePort, testEnv, type TestDatabase } from '@app/testing';
import { startApi } from './support/api-harness.js';

/*
 * The api listens on 127.0.0.1 and APP_BASE_URL says localhost (its default from PORT). A new user
 * opens either; in development both must sign in. In production the public origin is exact.
 */
describe('same-origin check on the address the api listens on', () => {
  let db: TestDatabase;
  let app: NestExpressApplication | undefined;
  const ADMIN = { email: 'admin@example.com', password: 'origin-test-password-1' };

  beforeAll(async () => {
    db = await createTestDatabase('origin');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function listen(env: Record<string, string | undefined>): Promise<string> {
    const port = await freePort();
    app = await startApi({ env: testEnv({ DATABASE_URL: db.url, SEED_ADMIN_EMAIL: ADMIN.email, SEED_ADMIN_PASSWORD: ADMIN.password, PORT: String(port), ...env }) });
    await app.listen(port, '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  }

  /** GET /login for the cookie and token, then POST it as a browser on `origin` would. */
  async function signIn(base: string, origin: string): Promise<Response> {
    const form = await fetch(`${base}/login`, { headers: { Accept: 'text/html' } });
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => /^(__Host-)?sid=/.test(c));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    return fetch(`${base}/login`, {
      method: 'POST',
      headers: {
        Accept: 'text/html',
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: origin,
        'Sec-Fetch-Site': 'same-origin',
        ...(cookie ? { Cookie: cookie } : {}),
      },
      body: new URLSearchParams({ ...ADMIN, _csrf: csrf }).toString(),
      redirect: 'manual',
    });
  }

  it('development: signs in through http://127.0.0.1:<port> and the other loopback names of that port', async () => {
    const base = await listen({ NODE_ENV: 'development' }); // APP_BASE_URL unset: http://localhost:<port>
    const port = new URL(base).port;
    for (const origin of [base, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      const res = await signIn(base, origin);
      expect([origin, res.status]).toEqual([origin, 303]);
    }
    // Another port on the same machine is another site.
    expect((await signIn(base, `http://127.0.0.1:${Number(port) + 1}`)).status).toBe(403);
  });

  it('production: the same request from http://127.0.0.1:<port> is refused (403); APP_BASE_URL is exact', async () => {
    const base = await listen({
      NODE_ENV: 'production',
      APP_BASE_URL: 'https://app.example.org',
      SESSION_SECRET: 'Jx0l9V2qk3mJmQ1Pz7cYb8e4W5rT6uI0oP9aS8dF7gH6',
      AUTH_TOTP_ENCRYPTION_KEY: 'q0N1oG8y3f1Yv9bq1m3Jw5ZxK2pT7rL4sE6dH8cU0aI=',
      SMTP_URL: 'smtp://127.0.0.1:1',
      MAIL_FROM: 'App <no-reply@example.org>',
      DATABASE_RUN_MIGRATIONS: 'true',
    });
    const res = await signIn(base, base);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Cross-site requests are not accepted');
  });
});
