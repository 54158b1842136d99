import { PasswordHasher, UsersRepository } from '@app/auth';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { FormClient } from './support/form-client.js';

const PER_IP = 6;
const PER_TARGET = 3;
const PASSWORD = 'the owner knows this one';

async function startWith(name: string, extra: Record<string, string>) {
  const db = await createTestDatabase(name);
  const env = testEnv({
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    SESSION_STORE: 'redis',
    TRUST_PROXY_HOPS: '1',
    ...extra,
  });
  const app = await startApi({ env });
  const stop = async () => {
    await app.close();
    if (env.SESSION_DIR) {
      await rm(env.SESSION_DIR, { recursive: true, force: true });
    }
    await db.drop();
  };
  return { app, http: request(app.getHttpServer()), stop, db: db as TestDatabase };
}

function expectLimited(res: request.Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

/**
 * Register, forgot-password, email change and the password re-checks (change password, email
 * change, sign out others) are limited per client (IP, through one trusted proxy hop) and per
 * target (the address typed, or the account), counted before any work: over a limit, 429 with
 * Retry-After; other clients and other targets carry on (issue 12).
 */
describe.each(['redis', 'file'] as const)('rate limits on the forms that mail or hash (%s sessions)', (store) => {
  let started: Awaited<ReturnType<typeof startWith>>;
  let hashes = 0;

  beforeAll(async () => {
    started = await startWith(`form_limit_${store}`, {
      SESSION_STORE: store,
      AUTH_FORM_LIMIT_PER_IP: String(PER_IP),
      AUTH_FORM_LIMIT_PER_TARGET: String(PER_TARGET),
      AUTH_FORM_LIMIT_WINDOW_SECONDS: '600',
    });
    const hasher = started.app.get(PasswordHasher);
    const [hash, verify] = [hasher.hash.bind(hasher), hasher.verify.bind(hasher)];
    hasher.hash = (p) => (hashes++, hash(p));
    hasher.verify = (h, p) => (hashes++, verify(h, p));
  });

  afterAll(async () => {
    await started?.stop();
  });

  /** A form page loaded by its own browser; posts it from `ip` (X-Forwarded-For). */
  async function form(page: string, browser = new FormClient(started.http)) {
    await browser.get(page);
    return (path: string, fields: Record<string, string>, ip: string) => {
      const req = started.http
        .post(path)
        .type('form')
        .set('Accept', 'text/html')
        .set('X-Forwarded-For', ip)
        .send(new URLSearchParams({ ...fields, _csrf: browser.csrf! }).toString());
      return browser.cookie ? req.set('Cookie', browser.cookie) : req;
    };
  }

  async function member(email: string) {
    const hash = await started.app.get(PasswordHasher).hash(PASSWORD);
    await started.app
      .get(UsersRepository)
      .create({ email, firstName: 'M', lastName: '', passwordHash: hash, roles: ['user'], emailConfirmedAt: new Date() });
    const b = new FormClient(started.http);
    await b.get('/login');
    expect((await b.post('/login', { email, password: PASSWORD })).status).toBe(303);
    return b;
  }

  const registration = (email: string) => ({ email, firstName: 'Ada', lastName: 'L', password: 'a long and unusual passphrase' });

  it('register: per address, then per client; another client and another address are not affected', async () => {
    const post = await form('/register');
    for (let i = 0; i < PER_TARGET; i++) {
      expect((await post('/register', registration('target@example.org'), `198.51.100.${i + 1}`)).status).toBe(200);
    }
    hashes = 0;
    const refused = await post('/register', registration('target@example.org'), '198.51.100.50');
    expectLimited(refused);
    expect(refused.text).toContain('Too many requests');
    expect(hashes).toBe(0); // refused before the password was hashed
    expect((await post('/register', registration('other-target@example.org'), '198.51.100.50')).status).toBe(200);

    for (let i = 0; i < PER_IP; i++) {
      expect((await post('/register', registration(`spray-${i}@example.org`), '203.0.113.7')).status).toBe(200);
    }
    expectLimited(await post('/register', registration('spray-last@example.org'), '203.0.113.7'));
    expect((await post('/register', registration('spray-last@example.org'), '203.0.113.8')).status).toBe(200);
  });

  it('forgot-password: per address and per client (an IPv6 /64 is one client)', async () => {
    const post = await form('/forgot-password');
    for (let i = 0; i < PER_TARGET; i++) {
      expect((await post('/forgot-password', { email: 'bombed@example.org' }, `192.0.2.${i + 1}`)).status).toBe(200);
    }
    expectLimited(await post('/forgot-password', { email: 'BOMBED@example.org' }, '192.0.2.99'));
    expect((await post('/forgot-password', { email: 'someone-else@example.org' }, '192.0.2.99')).status).toBe(200);

    for (let i = 0; i < PER_IP; i++) {
      expect((await post('/forgot-password', { email: `v6-${i}@example.org` }, `2001:db8:1:2::${i + 1}`)).status).toBe(200);
    }
    expectLimited(await post('/forgot-password', { email: 'v6-last@example.org' }, '2001:db8:1:2:ffff::1'));
    expect((await post('/forgot-password', { email: 'v6-last@example.org' }, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('password re-checks: change password, sign out others and email change share one counter per account', async () => {
    const b = await member('rechecks@example.org');
    const password = await form('/account/password', b);
    for (let i = 0; i < PER_TARGET - 1; i++) {
      const res = await password('/account/password', { currentPassword: `wrong ${i}`, newPassword: 'another long passphrase' }, `198.18.0.${i + 1}`);
      expect(res.status).toBe(422);
    }
    const sessions = await form('/account/sessions', b);
    expect((await sessions('/account/sessions/revoke-others', { password: 'wrong again' }, '198.18.0.9')).status).toBe(422);
    hashes = 0;
    expectLimited(await password('/account/password', { currentPassword: PASSWORD, newPassword: 'another long passphrase' }, '198.18.0.10'));
    expectLimited(await sessions('/account/sessions/revoke-others', { password: PASSWORD }, '198.18.0.11'));
    const profile = await form('/account/profile', b);
    expectLimited(await profile('/account/email', { email: 'moved@example.org', password: PASSWORD }, '198.18.0.12'));
    expect(hashes).toBe(0);

    // Another account, from one of the same addresses, is not affected.
    const other = await member('unaffected@example.org');
    const otherPassword = await form('/account/password', other);
    expect((await otherPassword('/account/password', { currentPassword: PASSWORD, newPassword: 'another long passphrase' }, '198.18.0.10')).status).toBe(303);
  });

  it('email change: per new address, across accounts', async () => {
    for (let i = 0; i < PER_TARGET; i++) {
      const profile = await form('/account/profile', await member(`mover-${i}@example.org`));
      expect((await profile('/account/email', { email: 'wanted@example.org', password: PASSWORD }, `198.18.1.${i + 1}`)).status).toBe(303);
    }
    const profile = await form('/account/profile', await member('mover-last@example.org'));
    expectLimited(await profile('/account/email', { email: 'wanted@example.org', password: PASSWORD }, '198.18.1.99'));
    expect((await profile('/account/email', { email: 'elsewhere@example.org', password: PASSWORD }, '198.18.1.99')).status).toBe(303);
  });
});

/**
 * The hashing queue is bounded (AUTH_HASH_QUEUE_LIMIT): a flood of password checks gets 503s with
 * Retry-After for what would have waited beyond the bound, never a backlog and never a 500.
 */
describe('a flood of password checks', () => {
  let started: Awaited<ReturnType<typeof startWith>>;

  beforeAll(async () => {
    started = await startWith('hash_flood', {
      AUTH_HASH_CONCURRENCY: '1',
      AUTH_HASH_QUEUE_LIMIT: '2',
      AUTH_MAX_FAILURES_PER_IP: '1000',
      AUTH_MAX_FAILURES_PER_ACCOUNT: '1000',
      AUTH_MAX_FAILURES_PER_ACCOUNT_GLOBAL: '1000',
    });
  });

  afterAll(async () => {
    await started?.stop();
  });

  it('answers 503 with Retry-After beyond the queue bound, and checks passwords again once it drains', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        started.http.post('/api/credentials').set('X-Forwarded-For', `10.9.0.${i + 1}`).send({ email: `flood-${i}@example.org`, password: 'a guess' }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = answers.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(1);
    expect(Number(busy[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(busy[0].body).toMatchObject({ code: 'server_busy' });
    const after = await started.http.post('/api/credentials').set('X-Forwarded-For', '10.9.1.1').send({ email: 'later@example.org', password: 'a guess' });
    expect(after.status).toBe(401);
  });
});
