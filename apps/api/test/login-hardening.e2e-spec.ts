import { PasswordHasher, UsersRepository } from '@app/auth';
import argon2 from 'argon2';
import pg from 'pg';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { FormClient } from './support/form-client.js';

const WINDOW_SECONDS = 2;

/**
 * Failed-login throttling through the real login form, per account and per client IP, with the
 * counters in Redis, and rehashing when the Argon2 cost is raised. Its own file (and so its own
 * app): passport keeps strategies in a process-wide registry, so one app per test file.
 */
describe('login hardening', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('throttle');
    app = await startApi({
      env: testEnv({
        DATABASE_URL: db.url,
        REDIS_URL: testRedisUrl(),
        AUTH_MAX_FAILURES_PER_ACCOUNT: '3',
        AUTH_MAX_FAILURES_PER_IP: '6',
        AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
        TRUST_PROXY_HOPS: '0',
        AUTH_ARGON2_MEMORY_KIB: '24576', // raised above the 19456 KiB the old hash below was made with
      }),
    });
    http = request(app.getHttpServer());
    const hash = await app.get(PasswordHasher).hash('the right password');
    await app.get(UsersRepository).create({
      email: 'victim@example.org',
      firstName: 'V',
      lastName: '',
      passwordHash: hash,
      roles: ['user'],
      emailConfirmedAt: new Date(),
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function attempt(email: string, password: string, forwardedFor?: string) {
    const b = new FormClient(http);
    await b.get('/login');
    const body = new URLSearchParams({ email, password, _csrf: b.csrf! }).toString();
    const req = http.post('/login').type('form').set('Accept', 'text/html').set('Cookie', b.cookie!).send(body);
    return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
  }

  const windowEnds = () => new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 200));

  it('blocks an account after 3 failures, even for the right password, and lets the owner in once the window ends', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await attempt('victim@example.org', `guess ${i} guess`)).status).toBe(401);
    }
    const blocked = await attempt('victim@example.org', 'the right password');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed sign-in attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The same address is not blocked for other accounts by this account's counter.
    expect((await attempt('someone@example.org', 'whatever it is')).status).toBe(401);

    await windowEnds(); // no permanent lockout: the window really has to pass
    expect((await attempt('victim@example.org', 'the right password')).status).toBe(303);
  });

  it('blocks a client IP after 6 failures across accounts, and X-Forwarded-For does not get around it', async () => {
    await windowEnds();
    for (let i = 0; i < 6; i++) {
      // A different account each time, so only the per-IP counter can trip; a spoofed
      // X-Forwarded-For is ignored because no proxy hop is trusted.
      expect((await attempt(`spray-${i}@example.org`, 'password guess', `203.0.113.${i}`)).status).toBe(401);
    }
    expect((await attempt('spray-x@example.org', 'password guess', '198.51.100.7')).status).toBe(429);
    expect((await attempt('victim@example.org', 'the right password')).status).toBe(429);
    await windowEnds();
    expect((await attempt('victim@example.org', 'the right password')).status).toBe(303);
  });

  it('rehashes a password made with a lower Argon2 cost at the next good login, and the new hash works', async () => {
    const old = await argon2.hash('an old style passphrase', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await app
      .get(UsersRepository)
      .create({ email: 'old@example.org', firstName: '', lastName: '', passwordHash: old, roles: ['user'], emailConfirmedAt: new Date() });
    const stored = async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = 'old@example.org'`)).rows[0]
          .password_hash;
      } finally {
        await client.end();
      }
    };
    expect(await stored()).toContain('m=19456');
    await windowEnds();
    expect((await attempt('old@example.org', 'an old style passphrase')).status).toBe(303);
    expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=24576,p=1,t=2\$/);
    expect((await attempt('old@example.org', 'an old style passphrase')).status).toBe(303);
  });
});
