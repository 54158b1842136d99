import { AccountsService, UsersRepository } from '@app/auth';
import { JobQueue } from '@app/queue';
import { SessionStore } from '@app/session';
import { waitFor } from '@app/testing';
import pg from 'pg';
import { startAccountsStack, linkPath, type AccountsStack } from './support/accounts-harness.js';
import { jobCompleted } from '../../worker/test/support/worker-harness.js';
import { FormClient } from './support/form-client.js';

const PASSWORD = 'a long and unusual passphrase';

/**
 * Every account flow over HTTP, with the mail really sent through the queue, the worker and SMTP,
 * once with sessions in Redis and once in files. Each test uses its own addresses, so the tests
 * in a file share one stack without depending on each other's order.
 */
describe.each(['redis', 'file'] as const)('accounts (%s sessions)', (store) => {
  let stack: AccountsStack;
  let counter = 0;
  const address = (label: string) => `${label}-${store}-${++counter}@example.org`;

  beforeAll(async () => {
    stack = await startAccountsStack(store);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const browser = () => new FormClient(stack.http);

  async function register(email: string, password = PASSWORD, names = { firstName: 'Ada', lastName: 'Lovelace' }) {
    const b = browser();
    await b.get('/register');
    return b.post('/register', { email, password, ...names });
  }

  /** Registers, confirms through the mailed link, and returns a signed-in browser. */
  async function member(label: string, password = PASSWORD) {
    const email = address(label);
    expect((await register(email, password)).status).toBe(200);
    const link = linkPath(await stack.mailTo(email), '/confirm-email');
    const b = browser();
    await b.get(link);
    expect((await b.post('/confirm-email', { token: new URLSearchParams(link.split('?')[1]).get('token')! })).status).toBe(200);
    const signedIn = await signIn(b, email, password);
    expect(signedIn.status).toBe(303);
    return { email, b };
  }

  async function signIn(b: FormClient, email: string, password: string, next?: string) {
    await b.get(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
    return b.post(next ? `/login?next=${encodeURIComponent(next)}` : '/login', { email, password });
  }

  const userIdOf = async (email: string) => (await stack.api.get(UsersRepository).findByEmail(email))!.id;

  it('register → mail → confirm → login → profile → change password → logout', async () => {
    const email = address('flow');
    const b = browser();
    await b.get('/register');
    const registered = await b.post('/register', { email, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace' });
    expect(registered.status).toBe(200);
    expect(registered.text).toContain('Check your inbox');

    // Not confirmed yet: the right password gets a clear refusal, no session.
    const early = await signIn(browser(), email, PASSWORD);
    expect(early.status).toBe(403);
    expect(early.text).toContain('confirm your email address');

    const mail = await stack.mailTo(email);
    expect(mail.parsed.subject).toMatch(/confirm/i);
    expect(mail.parsed.html).toContain('/confirm-email?token=');
    const link = linkPath(mail, '/confirm-email');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const page = await b.get(link);
    expect(page.status).toBe(200);
    expect((await b.post('/confirm-email', { token })).text).toContain('Address confirmed');
    expect((await b.post('/confirm-email', { token })).status).toBe(400); // single use

    const anonymousCookie = b.cookie;
    const login = await signIn(b, email, PASSWORD);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/account');
    expect(b.cookie).toBeDefined();
    expect(b.cookie).not.toBe(anonymousCookie); // a new id at sign-in

    const home = await b.get('/account');
    expect(home.status).toBe(200);
    expect(home.text).toContain('data-testid="member-home"');
    expect(home.headers['cache-control']).toBe('no-store');

    await b.get('/account/profile');
    expect((await b.post('/account/profile', { firstName: 'Augusta', lastName: 'King' })).status).toBe(303);
    const profile = await b.get('/account/profile');
    expect(profile.text).toContain('value="Augusta"');
    expect(profile.text).toContain('Your profile is saved.');

    const other = browser();
    await signIn(other, email, PASSWORD);
    expect((await other.get('/account')).status).toBe(200);

    await b.get('/account/password');
    const wrong = await b.post('/account/password', { currentPassword: 'not it at all', newPassword: 'another long passphrase' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('data-testid="error-currentPassword"');
    const changed = await b.post('/account/password', { currentPassword: PASSWORD, newPassword: 'another long passphrase' });
    expect(changed.status).toBe(303);
    expect((await b.get('/account')).status).toBe(200); // this browser stays signed in
    const kicked = await other.get('/account'); // the other one is out on its very next request
    expect(kicked.status).toBe(303);
    expect(kicked.headers.location).toBe('/login?next=%2Faccount');
    expect((await stack.mailTo(email, 2)).parsed.subject).toMatch(/password/i);

    const before = b.cookie!;
    await b.get('/account');
    const out = await b.post('/logout');
    expect(out.status).toBe(303);
    expect(out.headers['clear-site-data']).toBe('"cookies", "storage"');
    const replay = await stack.http.get('/account').set('Cookie', before).set('Accept', 'text/html');
    expect(replay.status).toBe(303); // the old cookie is anonymous now
    const sessionId = decodeURIComponent(before.split('=')[1]).split('.')[0];
    expect(await stack.api.get(SessionStore).get(sessionId)).toBeNull();
  });

  it('forgot password → reset: every session ends, the link works once, the new password signs in', async () => {
    const { email, b } = await member('reset');
    const anon = browser();
    await anon.get('/forgot-password');
    const asked = await anon.post('/forgot-password', { email: email.toUpperCase() });
    expect(asked.status).toBe(200);
    const mail = await stack.mailTo(email, 2);
    expect(mail.parsed.subject).toMatch(/reset/i);
    const link = linkPath(mail, '/reset-password');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;

    const form = await anon.get(link);
    expect(form.status).toBe(200);
    expect(form.headers['referrer-policy']).toBe('no-referrer');
    const weak = await anon.post('/reset-password', { token, password: 'password123' });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('commonly used');
    const done = await anon.post('/reset-password', { token, password: 'a brand new passphrase' });
    expect(done.status).toBe(200);
    expect((await anon.post('/reset-password', { token, password: 'yet another passphrase' })).status).toBe(400);

    expect((await b.get('/account')).status).toBe(303); // the signed-in browser is out
    expect((await signIn(browser(), email, PASSWORD)).status).toBe(401);
    expect((await signIn(browser(), email, 'a brand new passphrase')).status).toBe(303);
  });

  it('answers register, login and forgot-password the same way for known and unknown addresses', async () => {
    const { email } = await member('enum');
    const unknown = address('nobody');
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '').replace(/<code>[^<]*<\/code>/g, '');

    const [knownReg, unknownReg] = [await register(email), await register(unknown)];
    expect(knownReg.status).toBe(unknownReg.status);
    expect(strip(knownReg.text)).toBe(strip(unknownReg.text));
    expect((await stack.mailTo(email, 2)).parsed.subject).toMatch(/already/i); // the owner is told, nobody else

    const [knownLogin, unknownLogin] = [
      await signIn(browser(), email, 'wrong password!!'),
      await signIn(browser(), unknown, 'wrong password!!'),
    ];
    expect(knownLogin.status).toBe(401);
    expect(unknownLogin.status).toBe(401);
    expect(strip(knownLogin.text).replace(email, 'X')).toBe(strip(unknownLogin.text).replace(unknown, 'X'));

    const forgot = async (e: string) => {
      const c = browser();
      await c.get('/forgot-password');
      return c.post('/forgot-password', { email: e });
    };
    const [knownForgot, unknownForgot] = [await forgot(email), await forgot(address('nobody-else'))];
    expect(knownForgot.status).toBe(unknownForgot.status);
    expect(strip(knownForgot.text)).toBe(strip(unknownForgot.text));
  });

  it('refuses a 100-byte password that differs only in its last bytes, and common or short passwords', async () => {
    const long = 'p'.repeat(96) + 'tail';
    const { email } = await member('long', long);
    expect((await signIn(browser(), email, 'p'.repeat(96) + 'tale')).status).toBe(401);
    expect((await signIn(browser(), email, 'p'.repeat(96))).status).toBe(401);
    expect((await signIn(browser(), email, long)).status).toBe(303);

    for (const [password, message] of [
      ['short', 'at least 8'],
      ['qwertyuiop', 'commonly used'],
      ['x'.repeat(129), 'at most 128'],
    ]) {
      const res = await register(address('weak'), password);
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
    }
    const unicode = await register(address('unicode'), 'ünïcødé 密码 пароль');
    expect(unicode.status).toBe(200);
  });

  it('refuses state changes without the session CSRF token, with another session token, or from another origin', async () => {
    const { email, b } = await member('csrf');
    const intruder = browser();
    await intruder.get('/login');
    await b.get('/account/profile');

    for (const attempt of [
      () => b.post('/account/profile', { firstName: 'Mallory', lastName: '' }, { csrf: null }),
      () => b.post('/account/profile', { firstName: 'Mallory', lastName: '' }, { csrf: intruder.csrf }),
    ]) {
      const res = await attempt();
      expect(res.status).toBe(403);
    }
    const crossSite = await stack.http
      .post('/account/profile')
      .set('Cookie', b.cookie!)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send(`_csrf=${b.csrf}&firstName=Mallory&lastName=`);
    expect(crossSite.status).toBe(403);
    const fetchMeta = await stack.http
      .post('/logout')
      .set('Cookie', b.cookie!)
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send(`_csrf=${b.csrf}`);
    expect(fetchMeta.status).toBe(403);
    // Nothing changed, and the session is still alive.
    const profile = await b.get('/account/profile');
    expect(profile.status).toBe(200);
    expect(profile.text).not.toContain('Mallory');
    // Login is a state change too.
    const login = await browser().post('/login', { email, password: PASSWORD }, { csrf: null });
    expect(login.status).toBe(403);
  });

  it('sends open redirects home and keeps same-site next paths', async () => {
    const { email } = await member('next');
    for (const next of ['//evil.example', 'https://evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await signIn(browser(), email, PASSWORD, next);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
    }
    const kept = await signIn(browser(), email, PASSWORD, '/account/sessions?tab=1');
    expect(kept.headers.location).toBe('/account/sessions?tab=1');
    const guarded = await browser().get('/account/password');
    expect(guarded.status).toBe(303);
    expect(guarded.headers.location).toBe('/login?next=%2Faccount%2Fpassword');
  });

  it('lists sessions, revokes one, and revokes all others after the password is confirmed', async () => {
    const { email, b } = await member('sessions');
    const second = browser();
    const third = browser();
    await signIn(second, email, PASSWORD);
    await signIn(third, email, PASSWORD);
    const list = await b.get('/account/sessions');
    expect(list.text.match(/data-testid="session-row"/g)).toHaveLength(3);
    expect(list.text).toContain('this session');

    const secondId = decodeURIComponent(second.cookie!.split('=')[1]).split('.')[0];
    expect((await b.post(`/account/sessions/${secondId}/revoke`)).status).toBe(303);
    expect((await second.get('/account')).status).toBe(303);
    expect((await third.get('/account')).status).toBe(200);

    await b.get('/account/sessions');
    expect((await b.post('/account/sessions/revoke-others', { password: 'not my password' })).status).toBe(422);
    expect((await third.get('/account')).status).toBe(200);
    await b.get('/account/sessions');
    expect((await b.post('/account/sessions/revoke-others', { password: PASSWORD })).status).toBe(303);
    expect((await third.get('/account')).status).toBe(303);
    expect((await b.get('/account')).status).toBe(200);
  });

  it('ends every session of a disabled user, and refuses their login', async () => {
    const { email, b } = await member('disabled');
    await stack.api.get(AccountsService).setActive(await userIdOf(email), false);
    expect((await b.get('/account')).status).toBe(303);
    expect((await signIn(browser(), email, PASSWORD)).status).toBe(401);
  });

  it('changes the email only after the password and a confirmation from the new address', async () => {
    const { email, b } = await member('move');
    const target = address('moved');
    await b.get('/account/profile');
    const wrong = await b.post('/account/email', { email: target, password: 'not my password' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('data-testid="error-password"');
    await b.get('/account/profile');
    expect((await b.post('/account/email', { email: target, password: PASSWORD })).status).toBe(303);
    expect((await b.get('/account')).text).toContain(email); // unchanged until confirmed

    const link = linkPath(await stack.mailTo(target), '/confirm-email');
    const c = browser();
    await c.get(link);
    expect((await c.post('/confirm-email', { token: new URLSearchParams(link.split('?')[1]).get('token')! })).status).toBe(200);
    expect((await signIn(browser(), email, PASSWORD)).status).toBe(401);
    expect((await signIn(browser(), target, PASSWORD)).status).toBe(303);

    // Moving to an address someone else owns looks the same, and tells that owner instead.
    const { email: owner } = await member('owner');
    await b.get('/account/profile');
    const taken = await b.post('/account/email', { email: owner, password: PASSWORD });
    expect(taken.status).toBe(303);
    expect((await stack.mailTo(owner, 2)).parsed.subject).toMatch(/already/i);
  });

  it('builds mailed links from APP_BASE_URL, whatever Host header the request carries', async () => {
    const { email } = await member('host');
    const b = browser();
    await b.get('/forgot-password');
    const res = await stack.http
      .post('/forgot-password')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('Cookie', b.cookie!)
      .type('form')
      .send(new URLSearchParams({ email, _csrf: b.csrf! }).toString());
    expect(res.status).toBe(200);
    const mail = await stack.mailTo(email, 2);
    expect(mail.parsed.text).toContain('http://localhost:3000/reset-password?token=');
    expect(mail.parsed.text + String(mail.parsed.html)).not.toContain('evil.example');
  });

  it('shows in the navigation only what the roles allow; the seeded admin passes every role check', async () => {
    const { b } = await member('nav');
    const plain = await b.get('/account');
    expect(plain.text).not.toContain('href="/account/api-keys"');
    const admin = browser();
    expect((await signIn(admin, 'root@starter.test', 'root-password-for-tests')).status).toBe(303);
    const home = await admin.get('/account');
    expect(home.text).toContain('href="/account/api-keys"');
    expect(home.text).toContain('data-testid="role">admin<');
    expect((await admin.get('/account/api-keys')).status).toBe(200);
  });

  it('publishes the OpenAPI document and its UI at /api/docs', async () => {
    const doc = await stack.http.get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/credentials', '/api/me', '/api/keys']));
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await stack.http.get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('purges spent tokens in the scheduled worker job, and the purged link no longer works', async () => {
    const email = address('purge');
    await register(email);
    const link = linkPath(await stack.mailTo(email), '/confirm-email');
    const client = new pg.Client({ connectionString: stack.db.url });
    await client.connect();
    try {
      const userId = await userIdOf(email);
      await client.query(`UPDATE one_time_tokens SET expires_at = now() - interval '2 days' WHERE user_id = $1`, [userId]);
      const jobs = stack.worker.get(JobQueue);
      const id = await jobs.enqueue('accounts.purge-tokens', {});
      await waitFor(() => jobCompleted(jobs.queue('maintenance'), id), 15_000);
      const left = await client.query(`SELECT count(*)::int AS n FROM one_time_tokens WHERE user_id = $1`, [userId]);
      expect(left.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    const b = browser();
    await b.get(link);
    expect((await b.post('/confirm-email', { token: new URLSearchParams(link.split('?')[1]).get('token')! })).status).toBe(400);
  });

  it('API keys: dev only, shown once, used with either header style, deleted → refused at once', async () => {
    const { email, b } = await member('keys');
    expect((await b.get('/account/api-keys')).status).toBe(403);
    await stack.api.get(UsersRepository).addRoles(await userIdOf(email), ['dev']);

    const page = await b.get('/account/api-keys');
    expect(page.status).toBe(200);
    const created = await b.post('/account/api-keys', { label: 'deploy script' });
    expect(created.status).toBe(201);
    const token = /data-testid="new-key">([^<]+)</.exec(created.text)![1];
    expect(token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const again = await b.get('/account/api-keys');
    expect(again.text).toContain('deploy script');
    expect(again.text).not.toContain(token.split('.')[1]); // the secret is never shown again

    const me = await stack.http.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ email, roles: ['dev', 'user'] });
    const [id, secret] = token.split('.');
    await stack.http.get('/api/me').set('API_ID', id).set('API_KEY', secret).expect(200);
    await stack.http
      .get('/api/me')
      .set('Authorization', `Bearer ${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)
      .expect(401);
    expect((await b.get('/account/api-keys')).text).not.toContain('never');

    // A key never opens a page; a session never drives the API.
    const asPage = await stack.http.get('/account').set('Authorization', `Bearer ${token}`).set('Accept', 'text/html');
    expect(asPage.status).toBe(303);
    const asApi = await stack.http.get('/api/me').set('Cookie', b.cookie!);
    expect(asApi.status).toBe(401);
    expect(asApi.body.code).toBe('unauthorized');

    await b.get('/account/api-keys');
    expect((await b.post(`/account/api-keys/${id}/delete`)).status).toBe(303);
    await stack.http.get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('POST /api/credentials: a key for the right password and role, the same 401 otherwise', async () => {
    const { email } = await member('creds');
    const plain = await stack.http.post('/api/credentials').send({ email, password: PASSWORD });
    expect(plain.status).toBe(403); // members without the dev role hold no keys
    await stack.api.get(UsersRepository).addRoles(await userIdOf(email), ['dev']);

    const wrong = await stack.http.post('/api/credentials').send({ email, password: 'not the password' });
    const unknown = await stack.http.post('/api/credentials').send({ email: address('ghost'), password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect({ ...wrong.body, requestId: '' }).toEqual({ ...unknown.body, requestId: '' });

    const issued = await stack.http.post('/api/credentials').send({ email, password: PASSWORD, label: 'ci' }).expect(201);
    expect(issued.body.token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    await stack.http.get('/api/me').set('Authorization', `Bearer ${issued.body.token}`).expect(200);

    // Demoting the owner demotes the key at once: dev-only routes refuse it, plain ones still work.
    await stack.http.get('/api/keys').set('Authorization', `Bearer ${issued.body.token}`).expect(200);
    await stack.api.get(UsersRepository).removeRoles(await userIdOf(email), ['dev']);
    const demoted = await stack.http.get('/api/keys').set('Authorization', `Bearer ${issued.body.token}`);
    expect(demoted.status).toBe(403);
    expect(demoted.body.code).toBe('forbidden');
    await stack.http.get('/api/me').set('Authorization', `Bearer ${issued.body.token}`).expect(200);

    const bad = await stack.http.post('/api/credentials').send({ email, password: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    await stack.http.post('/api/credentials').set('Content-Type', 'application/json').send('{"email":').expect(400);
  });

  it('gives a member without the role a 403 page, and an unknown key a 401', async () => {
    const { b } = await member('roles');
    const page = await b.get('/account/api-keys');
    expect(page.status).toBe(403);
    expect(page.text).toContain('Access denied');
    const api = await stack.http.get('/api/keys').set('Authorization', 'Bearer 00000000-0000-0000-0000-000000000000.' + 'A'.repeat(43));
    expect(api.status).toBe(401);
    expect((await stack.http.get('/api/me').set('Authorization', 'Bearer garbage')).status).toBe(401);
  });
});
