import { PasswordHasher, UsersRepository } from '@app/auth';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { FormClient } from './support/form-client.js';

const PER_ACCOUNT = 5;
const PER_IP = 20;
const ACCOUNT_CEILING = 12;
const PASSWORD = 'the owner knows this one';

/**
 * The login throttle as an attacker meets it, through the login form and `POST /api/credentials`
 * (no CSRF token there, so the cheapest way in): parallel guesses cannot slip under the limit,
 * and a stranger cannot lock the owner out. Client addresses come from X-Forwarded-For with one
 * trusted proxy hop, as behind a load balancer. Counters in Redis, and in memory without Redis.
 */
describe.each(['redis', 'memory'] as const)('login throttle (%s counters)', (backend) => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let env: Record<string, string | undefined>;
  /** Password checks that really ran Argon2 (real or dummy), counted at the hasher. */
  let verifications = 0;

  beforeAll(async () => {
    db = await createTestDatabase(`login_throttle_${backend}`);
    env = testEnv({
      DATABASE_URL: db.url,
      ...(backend === 'redis' ? { REDIS_URL: testRedisUrl(), SESSION_STORE: 'redis' } : { SESSION_STORE: 'file' }),
      AUTH_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
      AUTH_MAX_FAILURES_PER_IP: String(PER_IP),
      AUTH_MAX_FAILURES_PER_ACCOUNT_GLOBAL: String(ACCOUNT_CEILING),
      AUTH_FAILURE_WINDOW_SECONDS: '600',
      TRUST_PROXY_HOPS: '1',
    });
    app = await startApi({ env });
    http = request(app.getHttpServer());
    const hasher = app.get(PasswordHasher);
    const verify = hasher.verify.bind(hasher);
    hasher.verify = (hash, password) => {
      verifications++;
      return verify(hash, password);
    };
  });

  afterAll(async () => {
    await app?.close();
    if (env?.SESSION_DIR) {
      await rm(env.SESSION_DIR, { recursive: true, force: true });
    }
    await db?.drop();
  });

  async function account(email: string, roles: string[] = ['user']) {
    const hash = await app.get(PasswordHasher).hash(PASSWORD);
    await app.get(UsersRepository).create({ email, firstName: 'O', lastName: '', passwordHash: hash, roles, emailConfirmedAt: new Date() });
  }

  /** A login form loaded by its own browser, ready to post. */
  async function loginForm() {
    const browser = new FormClient(http);
    await browser.get('/login');
    return (email: string, password: string, clientIp: string) =>
      http
        .post('/login')
        .type('form')
        .set('Accept', 'text/html')
        .set('Cookie', browser.cookie!)
        .set('X-Forwarded-For', clientIp)
        .send(new URLSearchParams({ email, password, _csrf: browser.csrf! }).toString());
  }

  async function signIn(email: string, password: string, clientIp: string) {
    return (await loginForm())(email, password, clientIp);
  }

  function credentials(email: string, password: string, clientIp: string) {
    return http.post('/api/credentials').set('X-Forwarded-For', clientIp).send({ email, password });
  }

  function expectThrottled(answers: request.Response[]) {
    for (const res of answers) {
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  }

  describe('parallel guesses', () => {
    it('50 at once through POST /api/credentials: at most the limit are checked, the rest get 429', async () => {
      await account('parallel-api@example.org', ['dev']);
      verifications = 0;
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => credentials('parallel-api@example.org', `wrong guess number ${i}`, '192.0.2.10')),
      );
      const wrong = answers.filter((r) => r.status === 401);
      const throttled = answers.filter((r) => r.status === 429);
      expect(wrong.length + throttled.length).toBe(50);
      expect(wrong.length).toBeLessThanOrEqual(PER_ACCOUNT);
      expect(wrong.length).toBeGreaterThanOrEqual(1);
      expect(wrong[0].body).toMatchObject({ code: 'invalid_credentials' });
      expectThrottled(throttled);
      expect(throttled[0].body).toMatchObject({ code: 'too_many_attempts' });
      expect(verifications).toBeLessThanOrEqual(PER_ACCOUNT);
      // The guesser stays shut out, right password or not.
      expectThrottled([await credentials('parallel-api@example.org', PASSWORD, '192.0.2.10')]);
    });

    it('50 at once through the login form: at most the limit are checked, the rest get 429', async () => {
      await account('parallel-form@example.org');
      const forms = await Promise.all(Array.from({ length: 50 }, () => loginForm()));
      verifications = 0;
      const answers = await Promise.all(forms.map((post, i) => post('parallel-form@example.org', `wrong guess number ${i}`, '192.0.2.11')));
      const wrong = answers.filter((r) => r.status === 401);
      const throttled = answers.filter((r) => r.status === 429);
      expect(wrong.length + throttled.length).toBe(50);
      expect(wrong.length).toBeLessThanOrEqual(PER_ACCOUNT);
      expect(wrong[0].text).toContain('Invalid email or password');
      expectThrottled(throttled);
      expect(throttled[0].text).toContain('Too many failed sign-in attempts');
      expect(verifications).toBeLessThanOrEqual(PER_ACCOUNT);
    });

    it('a good password does not use up an attempt', async () => {
      await account('regular@example.org');
      for (let i = 0; i < PER_ACCOUNT + 2; i++) {
        expect((await signIn('regular@example.org', PASSWORD, '192.0.2.12')).status).toBe(303);
      }
      for (let i = 0; i < PER_ACCOUNT; i++) {
        expect((await signIn('regular@example.org', `typo ${i} typo`, '192.0.2.12')).status).toBe(401);
      }
      expectThrottled([await signIn('regular@example.org', PASSWORD, '192.0.2.12')]);
    });
  });

  describe('targeted lockout', () => {
    it('an attacker who used up their attempts on an account does not lock its owner out', async () => {
      await account('owner@example.org', ['dev']);
      for (let i = 0; i < PER_ACCOUNT; i++) {
        expect((await signIn('owner@example.org', `attacker guess ${i}`, '203.0.113.66')).status).toBe(401);
      }
      expectThrottled([
        await signIn('owner@example.org', 'attacker guess again', '203.0.113.66'),
        await credentials('owner@example.org', 'attacker guess again', '203.0.113.66'),
      ]);
      // The owner, from their own address, is let in: on the form and on the API.
      expect((await signIn('owner@example.org', PASSWORD, '198.51.100.20')).status).toBe(303);
      expect((await credentials('owner@example.org', PASSWORD, '198.51.100.20')).status).toBe(201);
      expectThrottled([await signIn('owner@example.org', PASSWORD, '203.0.113.66')]);
    });

    it('counts an IPv6 client by its /64: rotating addresses inside it does not buy more attempts', async () => {
      await account('v6-owner@example.org');
      const inside = (i: number) => `2001:db8:1:2:${(i + 1).toString(16)}::${(i * 7 + 3).toString(16)}`;
      for (let i = 0; i < PER_ACCOUNT; i++) {
        expect((await signIn('v6-owner@example.org', `guess ${i} guess`, inside(i))).status).toBe(401);
      }
      expectThrottled([await signIn('v6-owner@example.org', 'another guess', '2001:0db8:0001:0002:ffff:ffff:ffff:fffe')]);
      // Spraying other accounts from the same /64 runs into the per-client limit.
      for (let i = PER_ACCOUNT; i < PER_IP; i++) {
        expect((await credentials(`spray-${i}@example.org`, 'password guess', inside(i))).status).toBe(401);
      }
      expectThrottled([await credentials('spray-x@example.org', 'password guess', inside(99))]);
      // A neighbouring /64 is another client: the owner signs in from there.
      expect((await signIn('v6-owner@example.org', PASSWORD, '2001:db8:1:3::1')).status).toBe(303);
    });

    it('a distributed attack still meets the per-account ceiling', async () => {
      await account('ceiling@example.org');
      // Each address stays under its own limit; together they reach the account's ceiling.
      const perClient = ACCOUNT_CEILING / 3;
      expect(perClient).toBeLessThan(PER_ACCOUNT);
      for (let client = 0; client < 3; client++) {
        for (let i = 0; i < perClient; i++) {
          expect((await credentials('ceiling@example.org', `guess ${client}-${i}`, `198.18.0.${client + 1}`)).status).toBe(401);
        }
      }
      expectThrottled([
        await credentials('ceiling@example.org', 'one more guess', '198.18.0.9'),
        await signIn('ceiling@example.org', PASSWORD, '198.51.100.21'),
      ]);
    });
  });
});
